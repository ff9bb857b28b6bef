"""Routes of the public API, mounted at /api/."""

from django.conf import settings
from django.urls import path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .errors import fallback
from .feeds import CorrectionsFeed
from .health import HealthView
from .root import APIRootView


class ReadOnlyRouter(DefaultRouter):
    """DRF's router, whose root also links the endpoints that are not viewsets and the docs."""

    include_format_suffixes = False
    APIRootView = APIRootView
    more_root_links = {
        "positions": "position-list",
        "shifts": "shift-list",
        "corrections-feed": "correction-feed",
        "schema": "schema",
        "docs": "docs",
        "health": "health",
    }

    def get_api_root_view(self, api_urls=None):
        links = {prefix: self.routes[0].name.format(basename=basename) for prefix, _, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**links, **self.more_root_links})


router = ReadOnlyRouter(trailing_slash=True)
router.register("actors", views.ActorViewSet, basename="actor")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("sources", views.SourceViewSet, basename="source")
router.register("stances", views.StanceViewSet, basename="stance")
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path("actors/<slug:slug>/timeline/", views.ActorTimelineView.as_view(), name="actor-timeline"),
    path("policies/<slug:slug>/timeline/", views.PolicyTimelineView.as_view(), name="policy-timeline"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("shifts/", views.ShiftListView.as_view(), name="shift-list"),
    path("corrections/feed/", CorrectionsFeed(), name="correction-feed"),
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
    re_path(r"^[\s\S]*$", fallback),
]
