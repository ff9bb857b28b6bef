"""Routes of the readers' pages, mounted at the site's root."""

from django.urls import path

from . import views
from .feeds import ShiftsFeed

app_name = "web"

SERIES = "actors/<slug:actor_slug>/policies/<slug:policy_slug>"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path(f"{SERIES}/chart.svg", views.chart_svg, name="chart-svg"),
    path(f"{SERIES}/chart.png", views.chart_png, name="chart-png"),
    path(f"embed/{SERIES}/", views.embed, name="embed"),
    path("policies/<slug:slug>/", views.policy, name="policy"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/feed/", ShiftsFeed(), name="shifts-feed"),
    path("corrections/", views.corrections, name="corrections"),
]
