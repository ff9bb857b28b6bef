"""The words the stance records are written in: statuses, date precisions, evidence kinds, the scale.

Every module that needs one of these literals imports it from here (``Stance`` exposes them too, as
``Stance.Status.PUBLISHED``), so a value is spelled once.
"""

import datetime

from django.db import models


class Position(models.IntegerChoices):
    STRONGLY_OPPOSE = -2, "Strongly oppose"
    OPPOSE = -1, "Oppose"
    MIXED = 0, "Mixed or noncommittal"
    SUPPORT = 1, "Support"
    STRONGLY_SUPPORT = 2, "Strongly support"


class DatePrecision(models.TextChoices):
    """How exactly the time of a stance is known; each names a period of days (``positions.chronology``)."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    RANGE = "range", "Between two dates"


class EvidenceKind(models.TextChoices):
    OWN_WORDS = "own_words", "The actor's own words"
    REPORTED_WORDS = "reported_words", "A report of the actor's words"
    CHARACTERIZATION = "characterization", "The publisher's characterization"
    ACTION = "action", "An action the actor took"
    CLAIM_BY_OTHER = "claim_by_other", "A claim by another actor"


class Status(models.TextChoices):
    """A draft is submitted for review (in review) and published when a second editor approves it; a retracted
    stance was published, then withdrawn in public: it leaves timelines, positions and shifts but stays listed
    among the corrections, with its reason. Only published stances are public."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


# A stance in review or published has at least one excerpt.
STATUSES_NEEDING_EVIDENCE = (Status.IN_REVIEW, Status.PUBLISHED)


# No stance in this record can predate modern municipal policing debates by much; an earlier date is
# a typing slip (1800 for 1980), and refusing it keeps every period computable.
EARLIEST_STANCE_DATE = datetime.date(1900, 1, 1)
