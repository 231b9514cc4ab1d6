"""generate_synthetic and remove_synthetic (issue 7): what they create, what
they leave alone. Runs on SQLite (bulk_create) and PostgreSQL (COPY)."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from estates import selectors, services
from estates.models import Estate, EstateSearchGram, Facility, Step, StepTemplate
from governance.models import Feedback, FeedbackContact

pytestmark = pytest.mark.django_db

APPS = ("estates", "lanes", "governance")
ESTATES = 40


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def _generate(*args, **options) -> str:
    out = StringIO()
    call_command(
        "generate_synthetic",
        "--estates",
        str(options.pop("estates", ESTATES)),
        "--batch-size",
        "15",
        *args,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture
def source():
    call_command("load_source_data", verbosity=0)


@pytest.fixture
def synthetic(source):
    _generate(verbosity=0)


def test_every_row_created_is_marked_synthetic(source):
    before = _counts()
    _generate(verbosity=0)
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if any(f.name == "is_synthetic" for f in model._meta.fields):
                real = model._default_manager.filter(is_synthetic=False).count()
                assert real == before[model._meta.label], model._meta.label
    assert Estate.objects.filter(is_synthetic=True).count() == ESTATES


def test_each_compound_has_the_default_procedures_steps_and_a_matching_stage(
    synthetic,
):
    templates = StepTemplate.objects.filter(procedure__is_default_template=True)
    for estate in Estate.objects.filter(is_synthetic=True):
        assert estate.steps.count() == templates.count()
        assert estate.stage == services.estate_derive_stage(estate=estate)
    assert Step.objects.filter(is_synthetic=True).count() == (
        ESTATES * templates.count()
    )


def test_search_keys_and_grams_are_those_the_model_computes(synthetic):
    for estate in Estate.objects.filter(is_synthetic=True):
        stored = (
            estate.search_hanzi,
            estate.search_pinyin,
            estate.search_initials,
            estate.search_latin,
        )
        estate.refresh_search_keys()
        assert stored == (
            estate.search_hanzi,
            estate.search_pinyin,
            estate.search_initials,
            estate.search_latin,
        )
        grams = set(estate.search_grams.values_list("gram", flat=True))
        assert grams == estate.search_gram_values()


def test_a_synthetic_compound_is_found_by_characters_pinyin_and_initials(synthetic):
    estate = Estate.objects.filter(is_synthetic=True).first()
    pinyin = estate.search_pinyin.split("|")[1]
    initials = estate.search_initials.split("|")[1]
    for query in (estate.name_zh_hans[:2], pinyin, initials):
        assert estate in selectors.estate_search(query=query), query


def test_synthetic_feedback_holds_no_contact_and_no_phone_number(synthetic):
    feedback = Feedback.objects.filter(is_synthetic=True)
    assert feedback.exists()
    assert not FeedbackContact.objects.filter(feedback__in=feedback).exists()
    for text in feedback.values_list("text", flat=True):
        assert not re.search(r"\d{5,}", text)


def test_the_same_seed_gives_the_same_compounds(source):
    _generate("--seed", "7", verbosity=0)
    first = list(Estate.objects.filter(is_synthetic=True).values_list("name_zh_hans"))
    call_command("remove_synthetic", verbosity=0)
    _generate("--seed", "7", verbosity=0)
    again = list(Estate.objects.filter(is_synthetic=True).values_list("name_zh_hans"))
    assert first == again


def test_progress_is_printed_at_verbosity_1_and_nothing_at_0(source, english):
    assert "Synthetic data created." in _generate(verbosity=1)
    call_command("remove_synthetic", verbosity=0)
    assert _generate(verbosity=0) == ""


def test_it_refuses_to_add_to_existing_synthetic_data(synthetic, english):
    count = Estate.objects.count()
    with pytest.raises(CommandError, match="remove_synthetic"):
        _generate(estates=ESTATES + 10, verbosity=0)
    assert Estate.objects.count() == count


def test_it_does_nothing_when_there_are_enough_synthetic_compounds(synthetic, english):
    count = Estate.objects.count()
    assert "nothing to do" in _generate(estates=ESTATES, verbosity=1)
    assert Estate.objects.count() == count


@pytest.mark.parametrize("estates", ["0", "250001"])
def test_an_impossible_number_of_compounds_is_refused(source, english, estates):
    with pytest.raises(CommandError, match="between 1 and 250000"):
        _generate(estates=estates, verbosity=0)
    assert not Estate.objects.filter(is_synthetic=True).exists()


def test_it_needs_the_default_step_template(english):
    with pytest.raises(CommandError, match="load_source_data"):
        _generate(verbosity=0)
    assert not Estate.objects.exists()


def test_remove_leaves_the_source_data_exactly_as_it_was(source):
    before = _counts()
    real_keys = list(
        Estate.objects.order_by("pk").values_list("slug", "search_pinyin", "stage")
    )
    _generate(verbosity=0)
    assert _counts() != before
    call_command("remove_synthetic", verbosity=0)
    assert _counts() == before
    assert (
        list(
            Estate.objects.order_by("pk").values_list("slug", "search_pinyin", "stage")
        )
        == real_keys
    )
    assert not EstateSearchGram.objects.filter(estate__is_synthetic=True).exists()


def test_remove_unlinks_a_real_record_that_pointed_at_a_synthetic_compound(
    synthetic,
):
    facility = Facility.objects.first()
    facility.estate = Estate.objects.filter(is_synthetic=True).first()
    facility.save()
    call_command("remove_synthetic", verbosity=0)
    facility.refresh_from_db()
    assert facility.estate is None


def test_remove_refuses_while_real_feedback_is_about_a_synthetic_compound(
    synthetic,
    english,
):
    estate = Estate.objects.filter(is_synthetic=True).first()
    Feedback.objects.create(
        reference="ABCD-EFGH", estate=estate, category="other", text="真实反馈"
    )
    count = Estate.objects.count()
    with pytest.raises(CommandError, match="nothing was removed"):
        call_command("remove_synthetic", verbosity=0)
    assert Estate.objects.count() == count
