"""Conditional GETs and whole-response caching for every public GET (the API and the readers' pages), by data
version rather than by body.

A public response's ETag is a digest of the data version it was read at (``dataversion``) and everything
else its body depends on: the code (``RELEASE``), the settings that shape pages, today's date ("latest" means
as of today), the scheme and host (links are absolute), the full path with its query string and the Accept
header (JSON, CSV or HTML). The version comes from the request's own read snapshot (``stancetracker.db``),
so a response read from a replica that lags is tagged with the replica's older version, never the
primary's newer one.

Before the view runs, the current version comes from the cache (``dataversion.version.current()``):

- ``If-None-Match`` with the current ETag is answered 304 without touching a database table;
- with ``RESPONSE_CACHE_SECONDS``, a response stored under the current ETag is served as it was, again
  without touching the database. A write changes the version, so older entries are never found again.

A response is stored only when it is a 200 to an anonymous GET, sets no cookie, does not vary by cookie,
does not say ``private``/``no-store``/``no-cache`` (the health check) and carries no CSP nonce (a nonce
must be new in every response), and only when its snapshot saw the version it would be looked up by.
Requests that carry a session cookie (editors) are neither answered from the cache nor stored. Answers
from the cache are not counted by the API's rate limit: they cost the database nothing.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response, has_vary_header, patch_cache_control, patch_vary_headers

from dataversion.version import current

from .admin import is_admin_path
from .db import snapshot_versions

# The same URL is JSON, CSV or HTML depending on the Accept header.
VARY = ["Accept"]
NOT_SHARED = ("private", "no-store", "no-cache")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".json", ".css", ".js"}


@lru_cache(maxsize=1)
def release() -> str:
    """``settings.RELEASE``, or a digest of the project's source files and templates."""
    if settings.RELEASE:
        return settings.RELEASE
    base = Path(settings.BASE_DIR)
    roots = {Path(__file__).parent} | {
        Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(base)
    }
    digest = hashlib.sha256()
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def etag_for(request: HttpRequest, version: str) -> str:
    """The ETag of this request's response at data ``version``."""
    parts = [
        release(),
        settings.TIME_ZONE,
        str(settings.API_PAGE_SIZE),
        str(settings.API_MAX_PAGE_SIZE),
        timezone.localdate().isoformat(),
        version,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("Accept", ""),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def tag(response: HttpResponse, etag: str) -> HttpResponse:
    response.headers["ETag"] = etag
    # Clients may keep it, and must ask again (a 304 costs nothing) once it is DJANGO_API_CACHE_MAX_AGE old.
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE, must_revalidate=True)
    patch_vary_headers(response, VARY)
    return response


class ConditionalGetMiddleware:
    """ETags from the data version, 304s and stored responses without a database query (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.is_public_get(request):
            return self.get_response(request)
        cache = caches[settings.DATA_VERSION_CACHE]
        version = current()
        etag = None
        if version is not None:
            etag = etag_for(request, version)
            # "If-None-Match: *" asks whether the resource exists, which only the view can tell.
            if self.is_conditional(request) and request.headers.get("If-None-Match", "").strip() != "*":
                answer = get_conditional_response(request, etag=etag, response=tag(HttpResponse(), etag))
                if answer.status_code == 304:
                    return answer
            if settings.RESPONSE_CACHE_SECONDS and (stored := cache.get(f"response:{etag}")) is not None:
                status, headers, content = stored
                return HttpResponse(content, status=status, headers=headers)

        with snapshot_versions() as seen:
            response = self.get_response(request)
        if len(set(seen)) != 1 or seen[0] is None or not self.is_taggable(request, response):
            return response
        shown = seen[0]
        if shown != version or etag is None:
            etag = etag_for(request, shown)
        tag(response, etag)
        if shown == version and self.is_storable(request, response):
            stored = (response.status_code, dict(response.items()), response.content)
            cache.set(f"response:{etag}", stored, timeout=settings.RESPONSE_CACHE_SECONDS)
        if not self.is_conditional(request):
            return response
        return get_conditional_response(request, etag=etag, response=response)

    @staticmethod
    def is_conditional(request: HttpRequest) -> bool:
        """Whether the request asks anything an ETag answers (a 304, or a 412 for a failed If-Match)."""
        return "If-None-Match" in request.headers or "If-Match" in request.headers

    @staticmethod
    def is_public_get(request: HttpRequest) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not is_admin_path(request)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def is_taggable(request: HttpRequest, response: HttpResponse) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and "ETag" not in response
            and not any(word in cache_control for word in NOT_SHARED)
            and not has_vary_header(response, "Cookie")
            and not get_nonce(request)  # a nonce, once used, is in the body: it must differ in every response
        )

    @staticmethod
    def is_storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            settings.RESPONSE_CACHE_SECONDS > 0
            and request.method == "GET"
            and not response.cookies
            and len(response.content) <= settings.RESPONSE_CACHE_MAX_BYTES
        )
