"""What the admin's pages submit, for tests that post to them as an editor would."""

from django.urls import reverse

from positions.models import Actor, Policy, Stance
from sources.models import Source


def management_form(prefix: str, total: int, initial: int = 0) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def stance_form(actor: Actor, policy: Policy, **overrides) -> dict:
    """What the stance add page submits, with one excerpt row left empty."""
    data = {
        "actor": actor.pk,
        "policy": policy.pk,
        "position": Stance.Position.OPPOSE,
        "qualifier": "",
        "summary": "Opposes it",
        "stated_on": "2025-08-30",
        "date_precision": Stance.DatePrecision.DAY,
        "evidence_kind": Stance.EvidenceKind.OWN_WORDS,
        "status": Stance.Status.DRAFT,
        "editor_notes": "",
        **management_form("evidence", total=1),
        "evidence-0-excerpt": "",
    }
    data.update(overrides)
    return data


def saved_stance_form(stance: Stance, **overrides) -> dict:
    """What a saved stance's change page submits unchanged: its values and its excerpt rows (no empty row)."""
    links = list(stance.evidence.order_by("pk"))
    data = stance_form(
        stance.actor,
        stance.policy,
        position=stance.position,
        qualifier=stance.qualifier,
        summary=stance.summary,
        stated_on=stance.stated_on.isoformat(),
        stated_by=stance.stated_by.isoformat(),
        date_precision=stance.date_precision,
        evidence_kind=stance.evidence_kind,
        status=stance.status,
        editor_notes=stance.editor_notes,
        **management_form("evidence", total=len(links), initial=len(links)),
    )
    del data["evidence-0-excerpt"]
    for n, link in enumerate(links):
        data |= {
            f"evidence-{n}-id": link.pk,
            f"evidence-{n}-stance": stance.pk,
            f"evidence-{n}-excerpt": link.excerpt_id,
        }
    data.update(overrides)
    return data


def source_form(source: Source, **overrides) -> dict:
    """What a source's change page submits, with one empty excerpt row."""
    data = {
        "title": source.title,
        "slug": source.slug,
        "publisher": source.publisher,
        "byline": source.byline,
        "published_on": source.published_on.isoformat() if source.published_on else "",
        "url": source.url,
        **management_form("excerpts", total=1),
        "excerpts-0-quote": "",
        "excerpts-0-prefix": "",
        "excerpts-0-suffix": "",
    }
    data.update(overrides)
    return data


def excerpt_form(source: Source, quote: str, **overrides) -> dict:
    return {"source": source.pk, "quote": quote, "prefix": "", "suffix": "", **overrides}


def admin_url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def run_action(client, action: str, stances: list[Stance], *, follow=True, **extra):
    """Run an admin action on stances chosen in the list, as the list's Run button does."""
    data = {"action": action, "index": 0, "_selected_action": [stance.pk for stance in stances], **extra}
    return client.post(admin_url(Stance, "changelist"), data, follow=follow)
