"""A step cannot be done before the steps it depends on (issue 6, item 4)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from estates import services
from estates.models import Stage, StepStatus
from tests.estates.factories import EstateFactory, StepTemplateFactory
from tests.site.test_admin import checklist_data, form_data, speaking

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    """Tendering (1, 2 waiting on 1) then construction (3 waiting on 2)."""
    first = StepTemplateFactory(
        stage=Stage.TENDERING, number=1, name_zh_hans="招标公告", name_en="Tender"
    )
    procedure = first.procedure
    second = StepTemplateFactory(
        procedure=procedure, stage=Stage.TENDERING, number=2, name_zh_hans="定标"
    )
    second.depends_on.set([first])
    third = StepTemplateFactory(
        procedure=procedure, stage=Stage.CONSTRUCTION, number=3, name_zh_hans="开工"
    )
    third.depends_on.set([second])
    estate = EstateFactory()
    services.estate_steps_create(estate=estate, procedure=procedure)
    return estate


def test_blocked_step_is_refused_naming_the_blocking_step_and_nothing_saved(
    estate, english
):
    second = estate.steps.get(number=2)
    with pytest.raises(ValidationError) as error:
        services.step_set_status(step=second, status=StepStatus.DONE)
    message = " ".join(error.value.messages)
    assert "depends on" in message
    assert "1. Tender" in message
    second.refresh_from_db()
    estate.refresh_from_db()
    assert second.status == StepStatus.PENDING
    assert estate.stage == Stage.TENDERING


def test_blocked_step_message_in_chinese_names_the_step(estate):
    second = estate.steps.get(number=2)
    with pytest.raises(ValidationError) as error:
        services.step_set_status(step=second, status=StepStatus.DONE)
    assert "1. 招标公告" in " ".join(error.value.messages)


def test_completing_the_last_step_of_a_stage_moves_the_compound_on(estate):
    services.step_set_status(step=estate.steps.get(number=1), status=StepStatus.DONE)
    estate.refresh_from_db()
    assert estate.stage == Stage.TENDERING
    services.step_set_status(step=estate.steps.get(number=2), status=StepStatus.DONE)
    estate.refresh_from_db()
    assert estate.stage == Stage.CONSTRUCTION


def test_a_step_marked_not_applicable_no_longer_blocks(estate):
    services.step_set_status(
        step=estate.steps.get(number=1),
        status=StepStatus.NOT_APPLICABLE,
        reason_zh_hans="已由区里统一招标",
    )
    services.step_set_status(step=estate.steps.get(number=2), status=StepStatus.DONE)
    assert estate.steps.get(number=2).status == StepStatus.DONE


def test_a_blocked_step_may_still_be_started(estate):
    step = services.step_set_status(
        step=estate.steps.get(number=3), status=StepStatus.IN_PROGRESS
    )
    assert step.status == StepStatus.IN_PROGRESS


def test_step_admin_form_refuses_a_blocked_step(estate, admin_client):
    step = estate.steps.get(number=2)
    url = reverse("admin:estates_step_change", args=[step.pk])
    data = form_data(admin_client.get(url))
    data["status"] = StepStatus.DONE
    data["done_on"] = "2026-05-01"
    response = speaking(admin_client, "en").post(url, data)
    assert response.status_code == 200
    assert "1. Tender" in response.content.decode()
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_mark_done_action_refuses_the_blocked_step_and_does_the_rest(
    estate, admin_client
):
    steps = estate.steps.filter(number__in=[1, 3])
    response = speaking(admin_client, "en").post(
        reverse("admin:estates_step_changelist"),
        {"action": "mark_done", "_selected_action": [s.pk for s in steps]},
        follow=True,
    )
    assert "depends on" in response.content.decode()
    assert estate.steps.get(number=1).status == StepStatus.DONE
    assert estate.steps.get(number=3).status == StepStatus.PENDING


def _step_rows(data, estate):
    """The checklist's rows: form prefix by step number."""
    rows = {}
    for key, value in data.items():
        if key.startswith("steps-") and key.endswith("-id"):
            prefix = key.removesuffix("-id")
            rows[estate.steps.get(pk=value).number] = prefix
    return rows


def test_checklist_accepts_a_step_and_its_prerequisite_done_together(
    estate, admin_client
):
    url = reverse("admin:estates_estate_checklist", args=[estate.pk])
    data = checklist_data(admin_client.get(url))
    rows = _step_rows(data, estate)
    for number in (1, 2):
        data[f"{rows[number]}-status"] = StepStatus.DONE
        data[f"{rows[number]}-done_on"] = "2026-05-01"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    estate.refresh_from_db()
    assert estate.stage == Stage.CONSTRUCTION


def test_checklist_refuses_a_step_whose_prerequisite_stays_open(estate, admin_client):
    url = reverse("admin:estates_estate_checklist", args=[estate.pk])
    data = checklist_data(admin_client.get(url))
    rows = _step_rows(data, estate)
    data[f"{rows[1]}-status"] = StepStatus.DONE
    data[f"{rows[1]}-done_on"] = "2026-05-01"
    data[f"{rows[3]}-status"] = StepStatus.DONE
    data[f"{rows[3]}-done_on"] = "2026-05-01"
    response = speaking(admin_client, "en").post(url, data)
    assert response.status_code == 200
    assert "depends on" in response.content.decode()
    assert not estate.steps.filter(status=StepStatus.DONE).exists()
