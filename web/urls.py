"""Routes of the readers' pages, mounted at the site's root."""

from django.urls import path

from . import views
from .feeds import ShiftsFeed
from .views import one_snapshot

app_name = "web"

SERIES = "actors/<slug:actor_slug>/policies/<slug:policy_slug>"

urlpatterns = [
    path("", one_snapshot(views.home), name="home"),
    path("search/", one_snapshot(views.search), name="search"),
    path("actors/<slug:slug>/", one_snapshot(views.actor), name="actor"),
    path(f"{SERIES}/chart.svg", one_snapshot(views.chart_svg), name="chart-svg"),
    path(f"{SERIES}/chart.png", one_snapshot(views.chart_png), name="chart-png"),
    path(f"embed/{SERIES}/", one_snapshot(views.embed), name="embed"),
    path("policies/<slug:slug>/", one_snapshot(views.policy), name="policy"),
    path("sources/<slug:slug>/", one_snapshot(views.source), name="source"),
    path("shifts/", one_snapshot(views.shifts), name="shifts"),
    path("shifts/feed/", one_snapshot(ShiftsFeed()), name="shifts-feed"),
    path("corrections/", one_snapshot(views.corrections), name="corrections"),
]
