"""The readers' pages: plain GET views over the published-only querysets the API reads."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from positions.models import Actor, Policy, Stance, StanceEvidence
from positions.querysets import EXCERPTS_PREFETCHED
from sources.models import Excerpt, Source
from stancetracker.db import read_snapshot

from . import chart, jsonld, png
from .forms import AsOfForm, SearchForm
from .highlight import segments

LATEST = 10  # shifts and corrections on the home page
LIST_LIMIT = 100  # rows of a list page; the API pages on through every row
SERIES_PER_PAGE = 10  # policies on a page of an actor's, each with its chart
POINTS_PER_CHART = 50  # the latest stances of a series shown; the API's timeline has every one


def one_snapshot(view):
    """Every query of the page, its rendering included, reads one state of the data (as the API's do): an editor
    publishing meanwhile never shows half a change, and the page is tagged with that state's data version."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with read_snapshot(Stance):
            return view(request, *args, **kwargs)

    return wrapped


def quote_href(stance: Stance, absolute=None) -> str:
    """Where a stance's first quote is highlighted in its source: the chart's points link there."""
    excerpts = stance.quoted_excerpts
    if not excerpts:
        return reverse("web:actor", args=[stance.actor.slug])
    excerpt = excerpts[0]
    path = reverse("web:source", args=[excerpt.source.slug]) + f"#excerpt-{excerpt.pk}"
    return absolute(path) if absolute else path


def series_stances(actor: Actor, policy: Policy):
    # The latest POINTS_PER_CHART; excerpts with their sources: every point links to its quote.
    stances = Stance.objects.published().for_actor(actor).for_policy(policy)
    return stances.newest_of_each_policy(POINTS_PER_CHART).with_evidence().chronological()


def build_chart(actor: Actor, policy: Policy, stances, absolute=None) -> chart.Chart:
    stances = list(stances)
    total = getattr(stances[0], "of_policy", len(stances)) if stances else 0
    shown = f" (the latest {len(stances)} of {total} stances)" if total > len(stances) else ""
    return chart.build(
        stances,
        title=f"{actor.name} on {policy.name}{shown}",
        href=lambda stance: quote_href(stance, absolute),
        until=timezone.localdate(),
    )


@require_safe
def home(request):
    shifts = (Stance.objects.shifts().with_previous().select_related("actor", "policy").order_by("-known_from", "-pk"))[
        :LATEST
    ]
    corrections = Stance.objects.retracted().select_related("actor", "policy")[:LATEST]
    counts = {
        "actors": Actor.objects.with_published_stances().count(),
        "policies": Policy.objects.with_published_stances().count(),
        "stances": Stance.objects.published().count(),
        "sources": Source.objects.count(),
    }
    actors = Actor.objects.with_published_stances().order_by("name", "pk")[:LIST_LIMIT]
    policies = Policy.objects.with_published_stances().order_by("name", "pk")[:LIST_LIMIT]
    context = {
        "counts": counts,
        "shifts": shifts,
        "corrections": corrections,
        "actors": actors,
        "policies": policies,
        "search": SearchForm(),
    }
    context["jsonld"] = jsonld.dataset(request, counts)
    return render(request, "web/home.html", context)


@require_safe
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "web/search.html", {"search": form}, status=400 if request.GET else 200)
    text = form.cleaned_data["q"]
    stances = (
        Stance.objects.published().search(text).select_related("actor", "policy").order_by("-known_from", "-pk")
    )[:LIST_LIMIT]
    context = {
        "search": form,
        "text": text,
        "stances": stances,
        "actors": Actor.objects.filter(name__icontains=text).order_by("name", "pk")[:LIST_LIMIT],
        "policies": Policy.objects.filter(name__icontains=text).order_by("name", "pk")[:LIST_LIMIT],
    }
    return render(request, "web/search.html", context)


@require_safe
def actor(request, slug: str):
    actor = get_object_or_404(Actor.objects.select_related("parent").with_roles(), slug=slug)
    # A chart per policy, SERIES_PER_PAGE policies to a page: an actor may hold stances on hundreds of policies.
    on_policies = (
        Stance.objects.published()
        .for_actor(actor)
        .values("policy")
        .annotate(count=Count("*"))
        .order_by("policy__name", "policy")
    )
    page = Paginator(on_policies, SERIES_PER_PAGE).get_page(request.GET.get("page"))
    counts = {row["policy"]: row["count"] for row in page}
    # Each policy's latest POINTS_PER_CHART stances, series after series, each in the order its stances count.
    stances = list(
        Stance.objects.published()
        .for_actor(actor)
        .filter(policy__in=counts)
        .newest_of_each_policy(POINTS_PER_CHART)
        .with_evidence()
        .with_previous()
        .chronological()
    )
    by_policy: dict[int, list[Stance]] = {}
    for stance in stances:
        by_policy.setdefault(stance.policy_id, []).append(stance)
    charts = []
    for group in by_policy.values():
        policy = group[0].policy
        charts.append(
            {
                "policy": policy,
                "chart": build_chart(actor, policy, group),
                "stances": group,
                "count": counts[policy.pk],
            }
        )
    context = {"actor": actor, "charts": charts, "page": page, "jsonld": jsonld.actor_page(request, actor, stances)}
    return render(request, "web/actor.html", context)


@require_safe
def policy(request, slug: str):
    policy = get_object_or_404(Policy.objects.with_family(), slug=slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        context = {"policy": policy, "form": form, "positions": [], "shifts": []}
        return render(request, "web/policy.html", context, status=400)
    day = form.cleaned_data.get("as_of") or timezone.localdate()
    positions = Paginator(
        Stance.objects.as_of(day)
        .for_policy(policy)
        .with_evidence()
        .order_by("actor__name", "actor_id", "qualifier", "pk"),
        LIST_LIMIT,
    ).get_page(request.GET.get("page"))
    shifts = (
        Stance.objects.shifts()
        .for_policy(policy)
        .known_by(day)
        .with_previous()
        .select_related("actor")
        .order_by("-known_from", "-pk")[:LIST_LIMIT]
    )
    context = {
        "policy": policy,
        "form": form,
        "day": day,
        "positions": positions,
        "keep": urlencode({"as_of": day.isoformat()}) if form.cleaned_data.get("as_of") else "",
        "shifts": list(shifts),
        "jsonld": jsonld.quotations(request, positions),
    }
    return render(request, "web/policy.html", context)


@require_safe
def source(request, slug: str):
    source = get_object_or_404(Source, slug=slug)
    excerpts = StanceEvidence.objects.published_excerpt_rows([source.pk]).get(source.pk, [])
    ids = {stance_id for excerpt in excerpts for stance_id in excerpt["stances"]}
    stances = Stance.objects.published().filter(pk__in=ids).select_related("actor", "policy").in_bulk()
    for excerpt in excerpts:
        excerpt["stance_list"] = [stances[pk] for pk in excerpt["stances"] if pk in stances]
    context = {
        "source": source,
        "segments": segments(source.text, excerpts),
        "excerpts": excerpts,
        "jsonld": jsonld.source_page(request, source, excerpts),
    }
    return render(request, "web/source.html", context)


@require_safe
def shifts(request):
    rows = list(
        Stance.objects.shifts()
        .with_previous()
        .select_related("actor", "policy")
        .prefetch_related(
            Prefetch(
                "excerpts",
                queryset=Excerpt.objects.select_related("source").defer("source__text"),
                to_attr=EXCERPTS_PREFETCHED,
            )
        )
        .order_by("-known_from", "-pk")[:LIST_LIMIT]
    )
    context = {"shifts": rows, "jsonld": jsonld.claim_reviews(request, rows)}
    return render(request, "web/shifts.html", context)


@require_safe
def corrections(request):
    rows = Stance.objects.retracted().select_related("actor", "policy")[:LIST_LIMIT]
    return render(request, "web/corrections.html", {"corrections": rows})


def _chart_of(request, actor_slug: str, policy_slug: str, absolute: bool):
    actor = get_object_or_404(Actor, slug=actor_slug)
    policy = get_object_or_404(Policy, slug=policy_slug)
    stances = series_stances(actor, policy)
    return actor, policy, build_chart(actor, policy, stances, request.build_absolute_uri if absolute else None)


@require_safe
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
def embed(request, actor_slug: str, policy_slug: str):
    """The chart alone, for an ``<iframe>`` in a story on any site: links open in the top window."""
    actor, policy, figure = _chart_of(request, actor_slug, policy_slug, absolute=True)
    return render(request, "web/embed.html", {"actor": actor, "policy": policy, "chart": figure})


@require_safe
def chart_svg(request, actor_slug: str, policy_slug: str):
    actor, policy, figure = _chart_of(request, actor_slug, policy_slug, absolute=True)
    body = render_to_string("web/chart_file.svg", {"chart": figure, "chart_id": "chart"}, request=request)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{actor.slug}--{policy.slug}.svg"'
    return response


@require_safe
def chart_png(request, actor_slug: str, policy_slug: str):
    actor, policy, figure = _chart_of(request, actor_slug, policy_slug, absolute=True)
    response = HttpResponse(png.render(figure), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{actor.slug}--{policy.slug}.png"'
    return response
