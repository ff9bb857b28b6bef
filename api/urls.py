"""Routes of the public API, mounted at /api/."""

from django.conf import settings
from django.urls import path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .errors import not_found
from .health import HealthView


class ReadOnlyRouter(DefaultRouter):
    include_format_suffixes = False


router = ReadOnlyRouter(trailing_slash=True)
router.register("actors", views.ActorViewSet, basename="actor")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("sources", views.SourceViewSet, basename="source")
router.register("stances", views.StanceViewSet, basename="stance")

urlpatterns = [
    path("actors/<slug:slug>/timeline/", views.ActorTimelineView.as_view(), name="actor-timeline"),
    path("policies/<slug:slug>/timeline/", views.PolicyTimelineView.as_view(), name="policy-timeline"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("shifts/", views.ShiftListView.as_view(), name="shift-list"),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema", template_name="api/swagger_ui.html"), name="docs"),
    path(
        "docs/redoc/",
        csp_override(settings.REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    *router.urls,
    # Any character, line breaks included ("." would miss them): a path with %0A is the API's 404 as well.
    re_path(r"^[\s\S]*$", not_found),
]
