"""Pages of stances read by a statement compiled once per shape of request (``api.pages``) are the pages the ORM
path gives, through every filter that compiles, every ordering and every cursor, forwards and back."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from api import pages
from api.views import StanceViewSet, TimelineMixin
from positions.models import Actor, Policy, Stance
from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    call_command("generate_synthetic", stances=500, actors=10, policies=4, sources=40, seed=5, stdout=io.StringIO())
    pages.forget()


@pytest.fixture
def built(monkeypatch):
    """Every page queryset built, by the shape it was built for: once per shape when compiled."""
    shapes = []
    original = pages.build

    def spy(shape, **values):
        shapes.append(shape)
        return original(shape, **values)

    monkeypatch.setattr(pages, "build", spy)
    return shapes


def urls() -> list[str]:
    actor, other = Actor.objects.filter(stances__status="published").order_by("pk").distinct()[:2]
    policy = Policy.objects.filter(stances__status="published").order_by("pk").first()
    source = Source.objects.filter(excerpts__stances__status="published").order_by("pk").first()
    day = Stance.objects.published().order_by("known_from")[200].known_from
    return [
        "/api/stances/",
        f"/api/stances/?policy={policy.slug}",
        f"/api/stances/?actor={actor.slug}&actor={other.slug}&ordering=stated_on",
        f"/api/stances/?source={source.slug}",
        "/api/stances/?position_min=-1&position_max=1&ordering=-position",
        "/api/stances/?position=2&ordering=id",
        f"/api/stances/?stated_after={day}&ordering=known_from",
        f"/api/stances/?stated_before={day}&evidence_kind=own_words&ordering=-id",
        f"/api/stances/?policy={policy.slug}&format=csv",
    ]


def timeline_urls() -> list[str]:
    """Timelines (numbered pages) of the busiest actor and policy, whole and narrowed."""
    busiest = Stance.objects.published().values("actor__slug").annotate(n=Count("pk")).order_by("-n", "actor__slug")
    actor, other = (row["actor__slug"] for row in busiest[:2])
    policy = Policy.objects.filter(stances__actor__slug=actor, stances__status="published").order_by("pk").first()
    return [
        f"/api/actors/{actor}/timeline/",
        f"/api/actors/{actor}/timeline/?policy={policy.slug}",
        f"/api/policies/{policy.slug}/timeline/",
        f"/api/policies/{policy.slug}/timeline/?actor={actor}&actor={other}",
    ]


def walk(client, url: str) -> list:
    """Every page of ``url``, following ``next`` to the end and ``previous`` back to the start."""
    bodies, link = [], f"{url}&page_size=7" if "?" in url else f"{url}?page_size=7"
    while link:
        assert len(bodies) < 200, "the pages do not end"
        response = client.get(link)
        assert response.status_code == 200, response.content
        bodies.append(response.content)
        link = response.get("Link", "")[1:].partition(">")[0] if "format=csv" in url else response.json()["next"]
    if "format=csv" not in url:
        link = response.json()["previous"]
        while link:
            assert len(bodies) < 400, "the pages do not end"
            response = client.get(link)
            bodies.append(response.content)
            link = response.json()["previous"]
    return bodies


def test_compiled_pages_are_the_orm_pages(api_client, generated, monkeypatch, built):
    compiled = {url: walk(api_client, url) for url in urls()}
    assert built, "no page was compiled"
    monkeypatch.setattr(StanceViewSet, "compiled_pages", False)
    for url, bodies in compiled.items():
        assert len(bodies) > 2, url
        assert walk(api_client, url) == bodies, url


def test_each_shape_is_built_once(api_client, generated, built):
    policies = Policy.objects.filter(stances__status="published").distinct().order_by("pk")[:3]
    for policy in policies:
        first = api_client.get(f"/api/stances/?policy={policy.slug}&page_size=5").json()
        assert first["results"]
        api_client.get(first["next"])
    # The first page, and the page after a row named by its day and id: never a shape twice, whatever the
    # policy and the cursor's position.
    assert len(built) == len(set(built)) < 6
    assert {shape.lookup for shape in built} == {None, ("-known_from", "-pk")}


@pytest.mark.parametrize("query", ["q=police", "topic={policy}", "position=", "publisher=Gazette"])
def test_other_filters_are_built_by_the_orm(api_client, generated, built, query):
    policy = Policy.objects.order_by("pk").first()
    response = api_client.get(f"/api/stances/?{query.format(policy=policy.slug)}")
    assert response.status_code == 200
    assert built == []


def test_a_bad_cursor_position_is_the_same_400(api_client, generated, monkeypatch):
    import base64

    bad = base64.b64encode(b"p=2018-13-45").decode()
    compiled = api_client.get(f"/api/stances/?cursor={bad}")
    monkeypatch.setattr(StanceViewSet, "compiled_pages", False)
    assert compiled.status_code == 400
    assert compiled.json() == api_client.get(f"/api/stances/?cursor={bad}").json()


def test_compiled_timeline_pages_are_the_orm_pages(api_client, generated, monkeypatch, built):
    compiled = {url: walk(api_client, url) for url in timeline_urls()}
    assert {shape.counted for shape in built} == {True, False}, "no timeline page or count was compiled"
    monkeypatch.setattr(TimelineMixin, "compiled_pages", False)
    for url, bodies in compiled.items():
        assert len(bodies) > 2, url
        assert walk(api_client, url) == bodies, url


def test_numbered_pages_share_shapes_whatever_the_count(api_client, generated, built):
    counts = []
    for actor in Actor.objects.order_by("pk")[:4]:
        link = f"/api/actors/{actor.slug}/timeline/?page_size=5"
        while link:
            page = api_client.get(link).json()
            link = page["next"]
        counts.append(page["count"])
    assert len(set(counts)) > 1, counts
    # One count, and one statement per page position: a last page is read to the end, whatever the count.
    assert len(built) == len(set(built))
    assert sum(shape.counted for shape in built) == 1
    assert any(count % 5 for count in counts), counts
    assert all(shape.stop in (None, shape.start + 5) for shape in built if not shape.counted)


def test_an_empty_timeline_page_is_compiled_too(api_client, generated, built):
    actor = Actor.objects.order_by("pk").first()
    elsewhere = Policy.objects.exclude(stances__actor=actor).order_by("pk").first() or Policy.objects.create(
        slug="never-spoken-of", name="Never spoken of"
    )
    page = api_client.get(f"/api/actors/{actor.slug}/timeline/?policy={elsewhere.slug}").json()
    assert (page["count"], page["results"], page["next"]) == (0, [], None)
    assert {shape.counted for shape in built} == {True, False}


def test_a_compiled_page_builds_no_filtered_queryset(api_client, generated, monkeypatch):
    """The FilterSet validates the request, but its queryset is built only where the page is not compiled."""
    from api.filters import PublicFilterSet

    built_querysets = []
    original = PublicFilterSet.qs

    def spy(filterset):
        built_querysets.append(type(filterset).__name__)
        return original.fget(filterset)

    monkeypatch.setattr(PublicFilterSet, "qs", property(spy))
    policy = Policy.objects.filter(stances__status="published").order_by("pk").first()
    actor = Stance.objects.published().filter(policy=policy).order_by("pk").first().actor
    for url in [
        f"/api/stances/?policy={policy.slug}",
        f"/api/actors/{actor.slug}/timeline/?policy={policy.slug}",
        f"/api/policies/{policy.slug}/timeline/",
    ]:
        page = api_client.get(url).json()
        assert page["results"], url
    assert built_querysets == []
    assert api_client.get(f"/api/stances/?topic={policy.slug}").status_code == 200
    assert built_querysets == ["StanceFilter"]


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("ordering=id", [10**20, 10**20]),
        ("ordering=-id", [-(2**63) - 1, -(2**63) - 1]),
        ("ordering=position", [40000, 5]),
        ("ordering=-position", [-40000, 5]),
        ("ordering=position", [1, 2**63]),
        ("ordering=id,id", None),
        ("ordering=-position,-position,id", None),
    ],
)
def test_odd_cursors_and_orderings_answer_as_the_orm_path(api_client, generated, monkeypatch, query, position):
    from api import keysets

    url = f"/api/stances/?{query}"
    if position is not None:
        url += f"&cursor={keysets.encode(position, before=False)}"
    compiled = api_client.get(url)
    monkeypatch.setattr(StanceViewSet, "compiled_pages", False)
    built = api_client.get(url)
    assert compiled.status_code in (200, 400)
    assert (compiled.status_code, compiled.content) == (built.status_code, built.content)
