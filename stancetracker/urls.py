"""URL map: the editors' admin and the public read API."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "stancetracker editors"
admin.site.site_title = "stancetracker"
admin.site.index_title = "Curate actors, policies, sources and stances"

# An unexpected error under /api/ is answered in the API's one error shape.
handler500 = "api.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
