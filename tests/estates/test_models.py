"""Estates: derived search keys and stage, and the constraints that guard figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from estates import services
from estates.models import Stage, Step, StepStatus
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    StepTemplateFactory,
    WorksItemFactory,
)

pytestmark = pytest.mark.django_db


def test_estate_search_keys_are_computed_when_saved():
    estate = EstateFactory(name_zh_hans="九大院", aliases="老九院", name_en="Jiudayuan")
    assert "|jiudayuan|" in estate.search_pinyin
    assert "|jdy|" in estate.search_initials
    assert "|ljy|" in estate.search_initials
    assert "老九院" in estate.search_hanzi
    assert estate.search_latin == "|jiudayuan|"


def test_estate_search_keys_follow_a_renamed_estate():
    estate = EstateFactory(name_zh_hans="九大院")
    estate.name_zh_hans = "锦绣江南"
    estate.save()
    assert "jdy" not in estate.search_initials
    assert "|jxjn|" in estate.search_initials


def test_estate_slug_is_pinyin_and_unique():
    first = EstateFactory(name_zh_hans="九大院")
    second = EstateFactory(name_zh_hans="九大院")
    assert first.slug == "jiudayuan"
    assert second.slug == "jiudayuan-2"


def test_community_slug_unique_but_place_slugs_only_per_parent():
    a = CommunityFactory(name_zh_hans="和平社区")
    b = CommunityFactory(name_zh_hans="和平社区")
    assert {a.slug, b.slug} == {"hepingshequ", "hepingshequ-2"}


def _procedure_with_steps():
    first = StepTemplateFactory(stage=Stage.TENDERING, number=1)
    second = StepTemplateFactory(
        procedure=first.procedure, stage=Stage.CONSTRUCTION, number=2
    )
    third = StepTemplateFactory(
        procedure=first.procedure, stage=Stage.ACCEPTANCE, number=3
    )
    return first.procedure, (first, second, third)


def test_estate_without_steps_has_no_known_stage():
    estate = EstateFactory()
    assert services.estate_refresh_stage(estate=estate) is None


def test_stage_is_the_stage_of_the_first_unfinished_step():
    procedure, _ = _procedure_with_steps()
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    assert estate.stage == Stage.TENDERING

    first = estate.steps.get(number=1)
    services.step_set_status(step=first, status=StepStatus.DONE)
    estate.refresh_from_db()
    assert estate.stage == Stage.CONSTRUCTION


def test_not_applicable_steps_count_as_finished():
    procedure, _ = _procedure_with_steps()
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    for step in estate.steps.order_by("number")[:2]:
        services.step_set_status(
            step=step, status=StepStatus.NOT_APPLICABLE, reason_zh_hans="不适用"
        )
    estate.refresh_from_db()
    assert estate.stage == Stage.ACCEPTANCE


def test_every_step_finished_means_long_term_management():
    procedure, _ = _procedure_with_steps()
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    for step in estate.steps.all():
        services.step_set_status(step=step, status=StepStatus.DONE)
    estate.refresh_from_db()
    assert estate.stage == Stage.MANAGEMENT


def test_creating_steps_twice_adds_nothing_the_second_time():
    procedure, _ = _procedure_with_steps()
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    assert services.estate_steps_create(estate=estate, procedure=procedure) == []
    assert estate.steps.count() == 3


def test_not_applicable_without_reason_is_refused_with_a_clear_message(english):
    procedure, _ = _procedure_with_steps()
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    step = estate.steps.first()
    with pytest.raises(ValidationError) as error:
        services.step_set_status(step=step, status=StepStatus.NOT_APPLICABLE)
    assert "Give the reason why this step does not apply." in str(error.value)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_works_done_above_planned_is_refused_by_validation(english):
    item = WorksItemFactory.build(
        estate=EstateFactory(),
        planned_quantity=Decimal("10"),
        done_quantity=Decimal("12"),
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "cannot be larger than the planned quantity" in str(error.value)


def test_validation_messages_are_in_chinese_by_default():
    item = WorksItemFactory.build(
        estate=EstateFactory(), planned_quantity=Decimal("10"), done_quantity=12
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "完成数量不能大于计划数量" in str(error.value)


def test_works_done_above_planned_is_refused_by_the_database():
    item = WorksItemFactory.build(
        estate=EstateFactory(), planned_quantity=10, done_quantity=12
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_negative_floor_area_is_refused_by_the_database():
    estate = EstateFactory.build(community=CommunityFactory(), floor_area_m2=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        estate.save()


def test_negative_household_count_is_refused_by_the_database():
    estate = EstateFactory.build(community=CommunityFactory(), households=-5)
    with pytest.raises(IntegrityError), transaction.atomic():
        estate.save()


def test_latitude_out_of_range_is_refused_with_a_clear_message():
    estate = EstateFactory.build(community=CommunityFactory(), latitude=Decimal("91"))
    with pytest.raises(ValidationError) as error:
        estate.full_clean()
    assert "latitude" in error.value.message_dict


def test_the_same_step_twice_for_one_estate_is_refused():
    template = StepTemplateFactory()
    estate = EstateFactory()
    Step.objects.create(estate=estate, template=template)
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(estate=estate, template=template)


def test_step_copies_stage_and_number_from_its_template():
    template = StepTemplateFactory(stage=Stage.PREPARATION, number=7)
    step = Step.objects.create(estate=EstateFactory(), template=template)
    assert (step.stage, step.number) == (Stage.PREPARATION, 7)
