"""factory_boy factories: valid objects with as little typing as a test needs."""

import datetime

import factory
from django.contrib.auth import get_user_model

from positions.models import Actor, Policy, Role, Stance, StanceEvidence
from sources.models import Excerpt, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    publisher = "Example News"
    byline = "A. Reporter"
    published_on = datetime.date(2025, 8, 30)
    text = factory.Sequence(
        lambda n: (
            f"Article {n}. The mayor said “we will fund crisis teams” on Monday. "
            "Critics said the plan — as written — would not work. The end."
        )
    )
    original_filename = factory.LazyAttribute(lambda source: f"{source.slug}.txt")


class ExcerptFactory(factory.django.DjangoModelFactory):
    """An excerpt whose offsets are computed from its quote, as the admin does."""

    class Meta:
        model = Excerpt

    source = factory.SubFactory(SourceFactory)
    quote = "we will fund crisis teams"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        excerpt = model_class(*args, **kwargs)
        excerpt.full_clean()
        excerpt.save()
        return excerpt


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.PERSON


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    actor = factory.SubFactory(ActorFactory)
    title = "Council member"


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"Policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")


class StanceFactory(factory.django.DjangoModelFactory):
    """A published stance with one excerpt, unless told otherwise.

    ``StanceFactory(status="draft", excerpts=[])`` makes a draft without evidence.
    """

    class Meta:
        model = Stance
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    policy = factory.SubFactory(PolicyFactory)
    position = Stance.Position.SUPPORT
    # Distinct days, but never past mid-2025 however many stances a test run makes: tests that ask
    # "as of" a day in late 2025 see every stance they did not date themselves.
    stated_on = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 540))
    date_precision = Stance.DatePrecision.DAY
    evidence_kind = Stance.EvidenceKind.OWN_WORDS
    summary = factory.LazyAttribute(lambda stance: f"{stance.actor} on {stance.policy}")
    status = Stance.Status.PUBLISHED

    @factory.post_generation
    def excerpts(obj, create, extracted, **kwargs):
        if not create:
            return
        excerpts = extracted if extracted is not None else [ExcerptFactory()]
        for excerpt in excerpts:
            StanceEvidence.objects.create(stance=obj, excerpt=excerpt)
