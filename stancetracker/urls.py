"""URL map: the editors' admin, the public read API and the readers' pages."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "stancetracker editors"
admin.site.site_title = "stancetracker"
admin.site.index_title = "Curate actors, policies, sources and stances"
# "View site" leads to the readers' home page.
admin.site.site_url = "/"

# An unexpected error under /api/ is answered in the API's one error shape.
handler500 = "api.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("web.urls")),
]
