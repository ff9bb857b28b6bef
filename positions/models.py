"""Who holds which position on which policy, and since when."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models import F
from django.utils import timezone

from sources.history import change_history
from sources.models import Excerpt, Source

from . import chronology, constants, steps
from .chronology import SERIES_FIELDS
from .querysets import EXCERPTS_PREFETCHED, ActorQuerySet, EvidenceQuerySet, PolicyQuerySet, StanceQuerySet
from .timeline import SHIFT_STEPS, StepChange

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata ID is a Q followed by digits, e.g. Q123 (no leading zero)."
)


def refuse_cycle(instance: models.Model, article_and_noun: str) -> None:
    """Refuse a ``parent`` chain that leads back to ``instance`` (it would nest inside itself)."""
    ancestor = instance.parent
    while ancestor is not None and instance.pk is not None:
        if ancestor.pk == instance.pk:
            raise ValidationError({"parent": f"{article_and_noun} cannot sit within itself."})
        ancestor = ancestor.parent


def editor_field(help_text: str = "") -> models.ForeignKey:
    """Which editor did something to a record (created it, submitted it, reviewed it)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        on_delete=models.SET_NULL,  # the record outlives the editor's account
        help_text=help_text,
    )


class Actor(models.Model):
    """A person, organization, government body or group that takes positions."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        GOVERNMENT_BODY = "government_body", "Government body"
        GROUP = "group", "Group"

    name = models.CharField(max_length=200, help_text="Name as commonly written, e.g. Zohran Mamdani.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and fixtures.")
    kind = models.CharField(max_length=20, choices=Kind, help_text="What sort of actor this is.")
    description = models.CharField(max_length=500, blank=True, help_text="One or two sentences: who this is.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,  # an organization cannot vanish from under its units
        help_text="Organization this one sits within, e.g. the NYPD within the City of New York.",
    )
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        validators=[wikidata_id_validator],
        verbose_name="Wikidata ID",
        help_text="Optional Wikidata item, e.g. Q123.",
    )

    history = change_history()
    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Lists and snapshots go actor by actor in name order: an index walks them without sorting them all.
        indexes = [models.Index(fields=["name", "id"], name="actor_name_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"], condition=~models.Q(wikidata_id=""), name="unique_actor_wikidata_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        refuse_cycle(self, "An actor")


class Role(models.Model):
    """An actor's title in an organization for a span of time."""

    actor = models.ForeignKey(
        Actor,
        related_name="roles",
        on_delete=models.CASCADE,  # a role means nothing without the actor who held it
        help_text="Who held the role.",
    )
    title = models.CharField(max_length=200, help_text="e.g. Assembly member, Democratic nominee, Mayor-elect.")
    organization = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        related_name="positions_held_within",
        on_delete=models.PROTECT,  # keep the record of who served where
        help_text="Organization the role is in, if it is an actor here.",
    )
    start_on = models.DateField(null=True, blank=True, help_text="First day in the role, if known.")
    end_on = models.DateField(null=True, blank=True, help_text="Last day in the role; empty if current or unknown.")

    history = change_history()

    class Meta:
        ordering = ["actor", "start_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_on__isnull=True)
                | models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="role_ends_after_it_starts",
                violation_error_message="A role cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.organization}" if self.organization_id else ""
        return f"{self.actor}: {self.title}{where}"

    def was_held_on(self, day: datetime.date) -> bool:
        return self.was_held_during(day, day)

    def was_held_during(self, first: datetime.date, last: datetime.date) -> bool:
        """True when the role was held at some point from ``first`` to ``last``; unknown ends are open."""
        return chronology.held_during(self.start_on, self.end_on, first, last)


class Policy(models.Model):
    """A policy or topic on which actors take positions; topics nest."""

    name = models.CharField(max_length=200, help_text="e.g. NYPD cooperation with ICE.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and fixtures.")
    description = models.TextField(blank=True, help_text="What supporting or opposing this means.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,  # a topic cannot vanish from under its policies
        help_text="Broader topic, e.g. Immigration enforcement for NYPD cooperation with ICE.",
    )

    history = change_history()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="policy_name_order")]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        refuse_cycle(self, "A policy")


def lock_series_of_actors(actor_ids, *, using: str) -> None:
    """Writes to the series of these actors wait for each other until their transaction ends (row locks on
    PostgreSQL; SQLite writes one at a time anyway): two editors publishing in one series at once each see
    the other's stance when the series is placed (``positions.steps``)."""
    list(Actor.objects.using(using).select_for_update().filter(pk__in=actor_ids).order_by("pk").values_list("pk"))


class Stance(models.Model):
    """One actor's position on one policy, as stated on a date."""

    Position = constants.Position
    DatePrecision = constants.DatePrecision
    EvidenceKind = constants.EvidenceKind
    Status = constants.Status

    actor = models.ForeignKey(
        Actor,
        related_name="stances",
        on_delete=models.PROTECT,  # evidence must never vanish with its actor
        help_text="Who holds the position.",
    )
    policy = models.ForeignKey(
        Policy,
        related_name="stances",
        on_delete=models.PROTECT,  # evidence must never vanish with its policy
        help_text="What the position is about.",
    )
    position = models.SmallIntegerField(
        choices=Position, help_text="From −2 (strongly oppose) through 0 (mixed) to +2 (strongly support)."
    )
    stated_on = models.DateField(
        verbose_name="stated on or after",
        help_text="When the position was taken (not when the article appeared): the day, or the first day "
        "of the month, year or range it is known to within.",
    )
    stated_by = models.DateField(
        blank=True,
        verbose_name="stated on or before",
        help_text="The last day it may have been taken. Give it for a range (“in the closing months of his "
        "campaign”); for a day, month or year it is filled in.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How exactly the date is known: “in June 2020” is month precision.",
    )
    known_from = models.DateField(
        editable=False,
        help_text="The day the stance counts from in snapshots, timelines and shifts: the end of its period, "
        "or the publication date of the earliest dated source reporting it, whichever is first.",
    )
    evidence_kind = models.CharField(
        max_length=20, choices=EvidenceKind, help_text="What kind of evidence shows the position."
    )
    qualifier = models.CharField(
        max_length=200,
        blank=True,
        help_text="Scope or condition, e.g. “civil immigration enforcement only”. Empty when unqualified.",
    )
    summary = models.CharField(max_length=300, help_text="One line a reader can take in at a glance.")
    excerpts = models.ManyToManyField(
        Excerpt,
        through="StanceEvidence",
        related_name="stances",
        help_text="Exact quotes that show the position. At least one is needed to publish.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published stances are shown to the public. A draft is submitted for review and published "
        "when a second editor approves it (the actions above). A published stance is never deleted: "
        "retract it with a public reason, and it is listed among the corrections.",
    )
    retraction_reason = models.TextField(
        blank=True,
        help_text="Public: why the stance was withdrawn, e.g. “The quote was from another speaker.” Required to "
        "retract.",
    )
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When it was retracted.")
    editor_notes = models.TextField(blank=True, help_text="Internal notes for editors. Never published.")
    # The review: one editor submits, a second approves (published) or sends it back (a draft again, with a comment).
    submitted_by = editor_field("Who last submitted it for review.")
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was last submitted for review."
    )
    reviewed_by = editor_field("The second editor who last approved it or sent it back.")
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When it was last reviewed.")
    review_comment = models.TextField(
        blank=True,
        db_default="",  # rows written by COPY (generate_synthetic) leave it out
        editable=False,
        help_text="Why the reviewer sent it back: what to change before submitting again. Never published.",
    )
    # A pending revision: a draft of changes to a published stance, which stays as readers know it until a second
    # editor approves the revision (``positions.revisions``).
    revises = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        related_name="revisions",
        on_delete=models.CASCADE,  # a revision means nothing without the stance it would change
        help_text="The published stance this draft would change once a second editor approves it.",
    )
    created_by = editor_field()
    updated_by = editor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The stance's place in its series, derived from the published stances of the series and stored by
    # ``positions.steps`` in the transaction of every write: empty unless published.
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text="The published stance before this one in its series.",
    )
    next_known_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the next published stance of its series counts from: until then, this one stands.",
    )
    step = models.CharField(
        max_length=13,
        blank=True,
        default="",
        db_default="",
        editable=False,
        choices=[(change.value, change.value.replace("_", " ")) for change in StepChange],
        help_text="How this stance changes its series' position (positions.timeline).",
    )

    # Who created and changed it is each history row's own account (``sources.history``): copies of
    # created_by/updated_by would point at deleted accounts; the derived series fields are not history.
    history = change_history(
        # Accounts are named in history by the change's own account id (sources/history.py), never by a copied key.
        excluded_fields=[
            "updated_at",
            "created_by",
            "updated_by",
            "submitted_by",
            "reviewed_by",
            "previous",
            "next_known_from",
            "step",
        ]  # fmt: skip
    )
    objects = StanceQuerySet.as_manager()

    class Meta:
        ordering = ["actor", "policy", "qualifier", "known_from", "stated_on", "pk"]
        indexes = [
            # A series in its order (``positions.chronology``): timelines, as-of snapshots and shifts. The status,
            # after the id (it orders nothing), lets a series' published stances be counted from the index alone.
            models.Index(
                fields=["actor", "policy", "qualifier", "known_from", "stated_on", "id", "status"],
                name="stance_series_order",
            ),
            models.Index(fields=["policy", "known_from"], name="stance_policy_known"),
            # Published stances of an actor or a policy: counted from the index alone (the lists of actors and
            # policies), and where each series stands on a day without reading the rows that do not
            # (``StanceQuerySet.as_of``).
            *(
                models.Index(
                    fields=[owner, "known_from", "next_known_from"],
                    name=f"stance_{owner}_published",
                    condition=models.Q(status=constants.Status.PUBLISHED),
                )
                for owner in ("actor", "policy")
            ),
            # Stances newest first, and a cursor page of them started at its row: /api/stances/ (``api.keysets``).
            models.Index(fields=["status", "known_from", "id"], name="stance_status_known_id"),
            # Stances by policy, newest first: /api/stances/?policy=…
            models.Index(F("policy"), F("known_from").desc(), F("id").desc(), name="stance_policy_newest"),
            # Stances by actor, newest first: /api/stances/?actor=…
            models.Index(F("actor"), F("known_from").desc(), F("id").desc(), name="stance_actor_newest"),
            # Shifts, newest first, without reading the stances that are not shifts: all, by actor, by policy.
            models.Index(
                F("known_from").desc(),
                F("stated_on").desc(),
                F("id").desc(),
                name="stance_shifts_newest",
                condition=models.Q(status=constants.Status.PUBLISHED, step__in=SHIFT_STEPS),
            ),
            models.Index(
                F("actor"),
                F("known_from").desc(),
                F("stated_on").desc(),
                F("id").desc(),
                name="stance_actor_shifts_newest",
                condition=models.Q(status=constants.Status.PUBLISHED, step__in=SHIFT_STEPS),
            ),
            models.Index(
                F("policy"),
                F("known_from").desc(),
                F("stated_on").desc(),
                F("id").desc(),
                name="stance_policy_shifts_newest",
                condition=models.Q(status=constants.Status.PUBLISHED, step__in=SHIFT_STEPS),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=-2, position__lte=2),
                name="stance_position_on_scale",
                violation_error_message="Position must be between −2 and +2.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=constants.Status.RETRACTED)
                | (~models.Q(retraction_reason="") & models.Q(retracted_at__isnull=False)),
                name="stance_retraction_has_reason_and_time",
                violation_error_message="A retracted stance needs a public reason.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=constants.Status.IN_REVIEW) | models.Q(submitted_at__isnull=False),
                name="stance_in_review_was_submitted",
                violation_error_message="A stance in review needs the time it was submitted.",
            ),
            # The four-eyes rule: nobody approves (or sends back) their own submission. NULLs pass, as SQL's
            # CHECK lets unknown through: a deleted account, or a stance never reviewed.
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("submitted_by")),
                name="stance_reviewer_is_not_submitter",
                violation_error_message="An editor cannot review their own submission.",
            ),
            models.UniqueConstraint(
                fields=["revises"],
                condition=models.Q(revises__isnull=False),
                name="one_pending_revision_per_stance",
                violation_error_message="This stance already has a pending revision: make your changes there.",
            ),
            # A revision is a draft until approved, and then it is written onto the stance it revises.
            models.CheckConstraint(
                condition=models.Q(revises__isnull=True)
                | models.Q(status__in=[constants.Status.DRAFT, constants.Status.IN_REVIEW]),
                name="stance_revision_is_never_public",
            ),
            models.CheckConstraint(
                condition=models.Q(stated_by__gte=models.F("stated_on")),
                name="stance_period_ends_after_it_starts",
                violation_error_message="A stance's period cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(known_from__gte=models.F("stated_on"), known_from__lte=models.F("stated_by")),
                name="stance_known_within_its_period",
            ),
            models.CheckConstraint(
                condition=models.Q(stated_on__gte=constants.EARLIEST_STANCE_DATE),
                name="stance_not_before_earliest_date",
                violation_error_message=f"A stance cannot be dated before {constants.EARLIEST_STANCE_DATE}.",
            ),
            # The stored period is exactly the one its precision names (``chronology.period``).
            models.CheckConstraint(
                condition=~models.Q(date_precision=constants.DatePrecision.DAY)
                | models.Q(stated_by=models.F("stated_on")),
                name="stance_day_is_one_day",
            ),
            models.CheckConstraint(
                condition=~models.Q(date_precision=constants.DatePrecision.MONTH)
                | models.Q(
                    stated_on__day=1,
                    stated_by__day__gte=28,
                    stated_by__month=models.F("stated_on__month"),
                    stated_by__year=models.F("stated_on__year"),
                ),
                name="stance_month_is_a_calendar_month",
            ),
            models.CheckConstraint(
                condition=~models.Q(date_precision=constants.DatePrecision.YEAR)
                | models.Q(
                    stated_on__month=1,
                    stated_on__day=1,
                    stated_by__month=12,
                    stated_by__day=31,
                    stated_by__year=models.F("stated_on__year"),
                ),
                name="stance_year_is_a_calendar_year",
            ),
            # Two records of the same statement would double-count it in timelines and shifts. A pending revision
            # is a copy of a stance, not another record of the statement.
            models.UniqueConstraint(
                fields=["actor", "policy", "stated_on", "qualifier", "evidence_kind"],
                condition=models.Q(revises__isnull=True),
                name="one_stance_per_actor_policy_date_scope_kind",
                violation_error_message="This actor already has a stance on this policy on this date, with this "
                "qualifier and kind of evidence: add the excerpt to that stance instead.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} on {self.policy}: {self.get_position_display()} ({self.stated_on_display})"

    def save(self, *args, **kwargs):
        # The period and the day the stance counts from are derived, here, on every save: the rules are
        # ``positions.chronology``'s, and no path that writes a stance can leave them stale.
        self.qualifier = chronology.normalize_qualifier(self.qualifier)
        span = self.period
        self.stated_on, self.stated_by = span.first, span.last
        self.known_from = chronology.known_from(span, self.report_dates())
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            series = {self.series_key, getattr(self, "_loaded_series", None) or self.series_key}
            lock_series_of_actors({actor_id for actor_id, _, _ in series}, using=using)
            super().save(*args, **kwargs)
            steps.place(series, using=using)
        self._loaded_series = self.series_key

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The series the stance was in when loaded: a save that moves it re-places both series.
        instance._loaded_series = instance.series_key if set(SERIES_FIELDS) <= set(field_names) else None
        return instance

    @property
    def series_key(self) -> tuple[int, int, str]:
        return chronology.series_key(self)

    @property
    def period(self) -> chronology.Period:
        """The days the stated date may mean: one day, a month, a year or a range."""
        return chronology.period(self.stated_on, self.date_precision, self.stated_by)

    @property
    def quoted_excerpts(self) -> list[Excerpt]:
        """The excerpts that show the stance, in text order with their sources: as ``with_evidence()`` read them,
        else in one query."""
        prefetched = getattr(self, EXCERPTS_PREFETCHED, None)
        if prefetched is not None:
            return prefetched
        return list(self.excerpts.select_related("source").defer("source__text").order_by("start"))

    @property
    def capacity(self) -> list["Role"]:
        """The actor's roles held when the stance was taken (any time from its first day to the day it is
        known from), so a reader knows in what capacity it was taken. Uses the actor's prefetched roles."""
        return [role for role in self.actor.roles.all() if role.was_held_during(self.stated_on, self.known_from)]

    @property
    def position_label(self) -> str:
        """The position in words, e.g. “strongly oppose”."""
        return self.get_position_display()

    @property
    def evidence_kind_label(self) -> str:
        return self.get_evidence_kind_display()

    @property
    def stated_on_display(self) -> str:
        return str(self.period)

    def report_dates(self) -> list[datetime.date | None]:
        """Publication dates of the sources of this stance's excerpts (one query; none before it is saved)."""
        if self.pk is None:
            return []
        return list(Source.objects.filter(excerpts__evidence__stance=self).values_list("published_on", flat=True))

    def check_retraction(self) -> None:
        """A stance is retracted only from published, with a public reason, and stays retracted."""
        saved = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first() if self.pk else None
        if saved == self.Status.RETRACTED and self.status != self.Status.RETRACTED:
            raise ValidationError({"status": "A retracted stance stays retracted: record a corrected stance anew."})
        if self.status != self.Status.RETRACTED or saved == self.Status.RETRACTED:
            return
        if saved != self.Status.PUBLISHED:
            raise ValidationError({"status": "Only a published stance can be retracted; a draft can be deleted."})
        if not self.retraction_reason.strip():
            raise ValidationError({"retraction_reason": "Say publicly why the stance is retracted."})
        self.retracted_at = timezone.now()

    def refresh_known_from(self, *, reason: str) -> bool:
        """Recompute the day the stance counts from (its sources' dates may have changed); save it, with
        ``reason`` in its history, only if it moved. True when it did."""
        known_from = chronology.known_from(self.period, self.report_dates())
        if known_from == self.known_from:
            return False
        self.record_evidence_change(reason)
        return True

    def record_evidence_change(self, reason: str) -> None:
        """Save after an excerpt was added or removed: the day it counts from may move, and its history
        says what happened to its evidence."""
        # simple_history keeps up to 100 characters of a change reason.
        self._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
        self.save()
        del self._change_reason

    def clean(self) -> None:
        super().clean()
        self.qualifier = chronology.normalize_qualifier(self.qualifier)
        if not self.stated_on:
            return
        try:
            span = self.period
        except ValueError as error:
            raise ValidationError({"stated_by": str(error)}) from None
        report_dates = self.report_dates()
        errors = chronology.problems(span, today=timezone.localdate())
        errors += [problem for day in report_dates if (problem := chronology.report_problem(span, day))]
        if errors:
            raise ValidationError({"stated_on": errors})
        self.stated_on, self.stated_by = span.first, span.last
        self.known_from = chronology.known_from(span, report_dates)
        self.check_retraction()
        evidence_checked_elsewhere = getattr(self, "evidence_checked_by_form", False)
        publishing = self.status in constants.STATUSES_NEEDING_EVIDENCE and self.pk and not evidence_checked_elsewhere
        if publishing and not self.evidence.exists():
            raise ValidationError(
                {"status": "A stance needs at least one excerpt before it can be submitted or published."}
            )


class StanceEvidence(models.Model):
    """Links a stance to an excerpt that shows it."""

    stance = models.ForeignKey(
        Stance,
        related_name="evidence",
        on_delete=models.CASCADE,  # the link is part of the stance
    )
    excerpt = models.ForeignKey(
        Excerpt,
        related_name="evidence",
        on_delete=models.PROTECT,  # a quote a stance relies on cannot be deleted
        help_text="Start typing words of the quote or the source title.",
    )

    history = change_history()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "excerpt"
        verbose_name_plural = "excerpts"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["stance", "excerpt"], name="excerpt_once_per_stance"),
        ]

    def __str__(self) -> str:
        return str(self.excerpt)

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            self.stance.record_evidence_change(f"Excerpt added: {self.excerpt}")

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.stance.record_evidence_change(f"Excerpt removed: {self.excerpt}")
        return result

    def clean(self) -> None:
        super().clean()
        if not self.stance_id or not self.excerpt_id or not self.stance.stated_on:
            return
        try:
            problem = chronology.report_problem(self.stance.period, self.excerpt.source.published_on)
        except ValueError:
            return  # the stance's own form says what is wrong with its dates
        if problem:
            raise ValidationError({"excerpt": problem})
