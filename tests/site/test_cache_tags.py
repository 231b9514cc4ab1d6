"""Cached pages go stale by what they show (issue 17, item 1).

Each cached page carries the tags of the records it was built from
(renovation_portal/page_cache.py); a write bumps only the tags of what it
changed. Two kinds of test:

- the oracle: over the source data, every kind of portal record near the
  pages under test is deleted in turn, and every cached page must then answer
  exactly what a page rendered without the cache answers (a tag forgotten
  shows as a stale page);
- the promises a resident or a clerk would notice: an edit of one compound
  leaves every other compound's page in the cache, a resident's feedback or a
  survey answer stales no page unless it changes what the page shows.
"""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.urls import resolve

from estates import services
from estates.models import (
    Community,
    Estate,
    MergedCourtyard,
    Notice,
    Step,
    StepStatus,
)
from governance.models import Council, Survey, SurveyResponse
from lanes.models import Lane
from renovation_portal import page_cache
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    NoticeFactory,
    StepFactory,
)
from tests.governance.factories import (
    FeedbackFactory,
    SurveyFactory,
    SurveyResponseFactory,
)
from tests.public_pages import NOT_FOUND, PAGES

pytestmark = pytest.mark.django_db

ESTATE = "jiudayuan"
COURTYARD = "siheyuan"
LANE = "haitangshuxiang"


@pytest.fixture(autouse=True)
def page_caching(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


class Rollback(Exception):
    pass


def _fresh(client, settings, path):
    settings.PAGE_CACHE_SECONDS = 0
    try:
        return client.get(path)
    finally:
        settings.PAGE_CACHE_SECONDS = 60


def _forget_everything():
    from django.core.cache import cache

    cache.clear()
    page_cache.local_pages.clear()
    page_cache.forget_generation()


def _view(path: str) -> str:
    return resolve("/" + path.split("?")[0].lstrip("/")).view_name


def cached_paths() -> list[str]:
    """Every page of tests/public_pages.py that the cache stores."""
    return [
        "/" + path
        for path in PAGES
        if "?" not in path
        and "{" not in path
        and path not in NOT_FOUND
        and _view(path) in page_cache.CACHED_PAGES
    ]


def precise_paths() -> list[str]:
    return [path for path in cached_paths() if _view(path) in page_cache.PRECISE_PAGES]


def _targets() -> dict[type, list]:
    """The records the precise pages under test are about."""
    estate = Estate.objects.get(slug=ESTATE)
    lane = Lane.objects.get(slug=LANE)
    courtyard = MergedCourtyard.objects.get(slug=COURTYARD)
    councils = list(
        Council.objects.filter(
            models.Q(estates=estate) | models.Q(community=estate.community_id)
        )
    )
    return {
        Estate: [estate, *courtyard.estates.all()],
        Community: [estate.community, courtyard.community],
        MergedCourtyard: [courtyard],
        Lane: [lane],
        Council: councils,
        Step: list(estate.steps.all()),
    }


def _near(model, targets) -> list:
    """Up to two records of ``model``: one that points to a record the pages
    under test show (by a foreign key or a many-to-many), and the first."""
    found = []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation) or field.related_model is None:
            continue
        related = targets.get(field.related_model)
        if not related:
            continue
        match = (
            model._default_manager.filter(**{f"{field.name}__in": related})
            .order_by("pk")
            .first()
        )
        if match is not None:
            found.append(match)
            break
    if model in targets and targets[model]:
        found.append(targets[model][0])
    first = model._default_manager.order_by("pk").first()
    if first is not None and first not in found:
        found.append(first)
    return found[:2]


def _portal_models():
    for label in sorted(page_cache.PORTAL_APPS):
        yield from apps.get_app_config(label).get_models()


def test_every_cached_page_shows_every_edit_and_deletion_at_once(
    client, settings, source_data
):
    precise = precise_paths()
    every = cached_paths()
    assert len(precise) >= 4 and len(every) > len(precise)
    # Records the source data does not have, under the compound under test.
    estate = Estate.objects.get(slug=ESTATE)
    StepFactory(estate=estate)
    NoticeFactory(estate=estate)
    survey = SurveyFactory(estate=estate)
    SurveyResponseFactory.create_batch(page_cache_min_responses(), survey=survey)
    stale, tried = [], []

    def compare(paths, what):
        for path in paths:
            cached = client.get(path)
            fresh = _fresh(client, settings, path)
            if cached.content != fresh.content:
                stale.append(f"{what}: {path}")

    for model in _portal_models():
        label = model._meta.label_lower
        # Pages that carry "any" go stale with every write but a resident's.
        paths = every if label in page_cache.QUIET else precise
        for record in _near(model, _targets()):
            pk = record.pk
            for change in (_edit, _copy, _delete):
                for path in paths:
                    client.get(path)
                try:
                    with transaction.atomic():
                        if change(record):
                            tried.append(f"{change.__name__} {label}")
                            compare(paths, f"{change.__name__} {label} {pk}")
                        raise Rollback
                except Rollback:
                    pass
                # The rolled-back change sent no signal: start again.
                _forget_everything()
                record = model._default_manager.get(pk=pk)

    assert not stale, "Stale after a change:\n" + "\n".join(stale)
    # The oracle reached the records the pages are made of.
    for model in (Estate, Step, Lane, MergedCourtyard, Community):
        assert f"_edit {model._meta.label_lower}" in tried
    for model in (Step, Lane, SurveyResponse):
        assert f"_delete {model._meta.label_lower}" in tried
    for model in (Notice, Survey):
        assert f"_copy {model._meta.label_lower}" in tried


def _edit(record) -> bool:
    """Change the first text the record has that pages may show."""
    for field in record._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField)
            and not field.choices
            and not field.unique
            and field.editable
            and (field.max_length or 100) >= 10
        ):
            value = getattr(record, field.attname) or ""
            setattr(
                record, field.attname, (value + " 改")[-(field.max_length or 100) :]
            )
            record.save()
            return True
    return False


def _copy(record) -> bool:
    """Add a record like this one (where its unique fields allow)."""
    record.pk = record.id = None
    record._state.adding = True
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return False
    return True


def _delete(record) -> bool:
    try:
        with transaction.atomic():
            record.delete()
    except (ProtectedError, IntegrityError):
        return False
    return True


def _estate_page(estate, prefix="/en"):
    return f"{prefix}/estates/{estate.slug}/"


def test_an_edit_of_one_compound_leaves_its_neighbours_in_the_cache(client):
    community = CommunityFactory()
    edited, neighbour = EstateFactory.create_batch(2, community=community)
    for estate in (edited, neighbour):
        client.get(_estate_page(estate))
    community_page = f"/en/communities/{community.slug}/"
    client.get(community_page)

    edited.name_en = "Renamed Compound"
    edited.save()

    neighbour_page = client.get(_estate_page(neighbour))
    edited_page = client.get(_estate_page(edited))
    listing = client.get(community_page)
    assert neighbour_page["X-Page-Cache"] == "hit"
    assert edited_page["X-Page-Cache"] == "miss"
    assert "Renamed Compound" in edited_page.text
    # The community lists it: its page shows the new name too.
    assert listing["X-Page-Cache"] == "miss"
    assert "Renamed Compound" in listing.text


def test_a_step_done_moves_the_stage_on_its_compound_and_community_only(client):
    community = CommunityFactory()
    estate, neighbour = EstateFactory.create_batch(2, community=community)
    step = StepFactory(estate=estate)
    services.estate_refresh_stage(estate=estate)
    pages = [_estate_page(estate), _estate_page(neighbour)]
    community_page = f"/en/communities/{community.slug}/"
    for path in [*pages, community_page]:
        client.get(path)
    before = client.get(_estate_page(estate)).text

    services.step_set_status(
        step=step, status=StepStatus.DONE, done_on=datetime.date(2026, 11, 2)
    )

    after = client.get(_estate_page(estate))
    assert after["X-Page-Cache"] == "miss"
    assert after.text != before
    # The community lists the compound's stage, which a bulk update moved.
    assert client.get(community_page)["X-Page-Cache"] == "miss"
    assert client.get(_estate_page(neighbour))["X-Page-Cache"] == "hit"


def test_a_residents_feedback_stales_no_page(client, source_data):
    estate = Estate.objects.get(slug=ESTATE)
    paths = cached_paths()
    for path in paths:
        client.get(path)

    FeedbackFactory(estate=estate)

    for path in paths:
        assert client.get(path)["X-Page-Cache"] == "hit", path


def test_a_survey_answer_stales_its_compounds_page_only_when_it_shows(client):
    estate, other = EstateFactory.create_batch(2)
    survey = SurveyFactory(estate=estate)
    page = _estate_page(estate)
    minimum = page_cache_min_responses()
    SurveyResponseFactory.create_batch(minimum - 2, survey=survey)
    client.get(page)
    client.get(_estate_page(other))

    # Still too few to show any result: the page does not change.
    SurveyResponseFactory(survey=survey)
    assert client.get(page)["X-Page-Cache"] == "hit"

    # The answer that makes the results public changes the page.
    SurveyResponseFactory(survey=survey)
    shown = client.get(page)
    assert shown["X-Page-Cache"] == "miss"
    assert shown.status_code == HTTPStatus.OK
    assert f"Results of {minimum} answers" in shown.text
    assert client.get(_estate_page(other))["X-Page-Cache"] == "hit"

    # From then on each answer changes the figures.
    SurveyResponseFactory(survey=survey)
    assert f"Results of {minimum + 1} answers" in client.get(page).text
    assert Survey.objects.filter(estate=estate).count() == 1


def page_cache_min_responses() -> int:
    from governance.selectors import SURVEY_MIN_RESPONSES

    return SURVEY_MIN_RESPONSES
