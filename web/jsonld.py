"""schema.org records of what a page shows, for search engines and fact-check aggregators (JSON-LD).

Built from objects the view has loaded already: no queries here."""

from django.urls import reverse

from positions.models import Actor, Stance
from sources.models import Source

CONTEXT = "https://schema.org"
PUBLISHER = {"@type": "Organization", "name": "stancetracker"}


def entity(request, actor: Actor) -> dict:
    """A person as ``Person``, anyone else as ``Organization`` (government bodies as ``GovernmentOrganization``)."""
    kind = {Actor.Kind.PERSON: "Person", Actor.Kind.GOVERNMENT_BODY: "GovernmentOrganization"}.get(
        actor.kind, "Organization"
    )
    record = {
        "@type": kind,
        "name": actor.name,
        "url": request.build_absolute_uri(reverse("web:actor", args=[actor.slug])),
    }
    if actor.description:
        record["description"] = actor.description
    if actor.wikidata_id:
        record["sameAs"] = f"https://www.wikidata.org/wiki/{actor.wikidata_id}"
    return record


def article(request, source: Source) -> dict:
    record = {
        "@type": "NewsArticle",
        "headline": source.title,
        "url": request.build_absolute_uri(reverse("web:source", args=[source.slug])),
    }
    if source.publisher:
        record["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        record["datePublished"] = source.published_on.isoformat()
    if source.url:
        record["sameAs"] = source.url
    return record


def quotation(request, stance: Stance, excerpt) -> dict:
    return {
        "@type": "Quotation",
        "text": excerpt.quote,
        "creator": entity(request, stance.actor),
        "about": {"@type": "Thing", "name": stance.policy.name},
        "isPartOf": article(request, excerpt.source),
        "url": request.build_absolute_uri(reverse("web:source", args=[excerpt.source.slug]) + f"#excerpt-{excerpt.pk}"),
    }


def quotations(request, stances) -> dict:
    """Every quote of these stances (prefetched with their sources) as a ``Quotation`` by its actor."""
    graph = [quotation(request, stance, excerpt) for stance in stances for excerpt in stance.quoted_excerpts]
    return {"@context": CONTEXT, "@graph": graph}


def actor_page(request, actor: Actor, stances) -> dict:
    page = quotations(request, stances)
    page["@graph"].insert(0, entity(request, actor))
    return page


def source_page(request, source: Source, excerpts: list[dict]) -> dict:
    """The article, and each published quote in it by the actors of the stances it backs."""
    graph = [article(request, source)]
    for excerpt in excerpts:
        creators = {stance.actor_id: stance.actor for stance in excerpt["stance_list"]}
        graph.append(
            {
                "@type": "Quotation",
                "text": excerpt["quote"],
                "creator": [entity(request, actor) for actor in creators.values()],
                "isPartOf": {"@id": graph[0]["url"]},
                "url": graph[0]["url"] + f"#excerpt-{excerpt['id']}",
            }
        )
    graph[0]["@id"] = graph[0]["url"]
    return {"@context": CONTEXT, "@graph": graph}


def claim_reviews(request, shifts) -> dict:
    """Each shift (its later stance, ``previous`` the earlier) as a ``ClaimReview`` of the claim that the actor
    moved from one position to the other, rated by the kind of move."""
    graph = []
    for stance in shifts:
        before = stance.previous
        claim = (
            f"{stance.actor.name} moved from “{before.position_label.lower()}” to “{stance.position_label.lower()}” "
            f"on {stance.policy.name}."
        )
        graph.append(
            {
                "@type": "ClaimReview",
                "url": request.build_absolute_uri(
                    reverse("web:actor", args=[stance.actor.slug]) + f"#stance-{stance.pk}"
                ),
                "claimReviewed": claim,
                "datePublished": stance.known_from.isoformat(),
                "author": PUBLISHER,
                "itemReviewed": {
                    "@type": "Claim",
                    "author": entity(request, stance.actor),
                    "datePublished": stance.known_from.isoformat(),
                    "appearance": [article(request, excerpt.source) for excerpt in stance.quoted_excerpts],
                },
                "reviewRating": {"@type": "Rating", "alternateName": stance.step.replace("_", " ").capitalize()},
            }
        )
    return {"@context": CONTEXT, "@graph": graph}


def dataset(request, counts: dict) -> dict:
    return {
        "@context": CONTEXT,
        "@type": "Dataset",
        "name": "stancetracker",
        "description": (
            f"Who said what about which policy, when, and how it changed: {counts['stances']} published stances "
            f"of {counts['actors']} actors on {counts['policies']} policies, each with its quotes."
        ),
        "url": request.build_absolute_uri("/"),
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": request.build_absolute_uri("/api/"),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": request.build_absolute_uri("/api/positions/?format=csv"),
            },
        ],
    }
