"""Every page carries a Content-Security-Policy that allows this site's own scripts and styles, and inline
ones only with the response's nonce; the admin, the API docs and the browsable API all work under it."""

import re
from html.parser import HTMLParser

import pytest

from tests.factories import StanceFactory

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """The <script>, <style> and <link rel=stylesheet> tags of a page, with their attributes."""

    def __init__(self, page: str):
        super().__init__()
        self.scripts: list[dict] = []
        self.styles: list[dict] = []
        self.stylesheets: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "style":
            self.styles.append(attributes)
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (directive.split() for directive in header.split(";"))}


def nonce(response) -> str:
    (value,) = [value for value in policy(response)["script-src"] if value.startswith("'nonce-")]
    return value.removeprefix("'nonce-").removesuffix("'")


def same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def assert_runs_under_the_policy(response) -> Tags:
    """Every script and stylesheet comes from this site, and every inline one carries the nonce."""
    tags = Tags(response.content.decode())
    for script in tags.scripts:
        if "src" in script:
            assert same_origin(script["src"]), script
        elif script.get("type") != "application/json":  # data, not code: never executed
            assert script.get("nonce") == nonce(response), script
    for style in tags.styles:
        assert style.get("nonce") == nonce(response), style
    for stylesheet in tags.stylesheets:
        assert same_origin(stylesheet["href"]), stylesheet
    return tags


def test_the_policy_allows_only_this_sites_code_and_a_fresh_nonce_per_response(api_client):
    first, second = api_client.get("/api/docs/"), api_client.get("/api/docs/")

    directives = policy(first)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce(first)}'"]
    assert directives["style-src"] == ["'self'", f"'nonce-{nonce(first)}'"]
    assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in first["Content-Security-Policy"]
    assert "'unsafe-eval'" not in first["Content-Security-Policy"]
    assert len(nonce(first)) >= 16 and nonce(first) != nonce(second)


def test_swagger_ui_runs_its_inline_setup_with_the_nonce(api_client):
    response = api_client.get("/api/docs/")

    tags = assert_runs_under_the_policy(response)
    assert [script.get("src") for script in tags.scripts] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        None,  # the setup script, inline, with the nonce
    ]
    assert "SwaggerUIBundle(" in response.content.decode()
    assert len(tags.styles) == 1


def test_redoc_alone_may_insert_styles_but_its_scripts_are_as_strict(api_client):
    response = api_client.get("/api/docs/redoc/")

    directives = policy(response)
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["worker-src"] == ["'self'", "blob:"]
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce(response)}'"]
    tags = assert_runs_under_the_policy(response)
    assert [script["src"] for script in tags.scripts] == [
        "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
    ]
    assert "fonts.googleapis.com" not in response.content.decode()


def test_the_browsable_api_styles_carry_the_nonce(api_client):
    StanceFactory()
    response = api_client.get("/api/stances/", HTTP_ACCEPT="text/html")

    assert response["Content-Type"].startswith("text/html")
    tags = assert_runs_under_the_policy(response)
    assert len(tags.styles) == 1
    assert [script["src"] for script in tags.scripts if "src" in script][0].startswith("/static/rest_framework/js/")


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/positions/stance/", "/admin/positions/stance/add/", "/admin/sources/source/"],
)
def test_admin_pages_work_under_the_policy(editor_client, url):
    response = editor_client.get(url)

    assert response.status_code == 200
    assert "nonce-" in response["Content-Security-Policy"]
    tags = assert_runs_under_the_policy(response)
    assert tags.stylesheets and all(sheet.get("nonce") == nonce(response) for sheet in tags.stylesheets)
    assert not re.search(r"\son[a-z]+=", response.content.decode())  # no inline event handlers


def test_the_login_page_and_json_responses_carry_the_policy_too(client, api_client):
    login = client.get("/admin/login/")
    assert nonce(login) and policy(login)["form-action"] == ["'self'"]
    assert_runs_under_the_policy(login)
    assert policy(api_client.get("/api/health/"))["default-src"] == ["'self'"]
