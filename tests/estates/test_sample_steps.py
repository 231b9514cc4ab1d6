"""Steps made from the default template are a sample until staff confirm them,
and say so on the compound's page, in the API and in the admin (issue 16,
item 2)."""

from http import HTTPStatus

import pytest

from estates.models import Estate, Stage, Step, StepStatus
from estates.services import estate_steps_create, step_set_status
from tests.estates.factories import EstateFactory, ProcedureFactory, StepTemplateFactory
from tests.site.test_admin import checklist_data, form_data, speaking, url

pytestmark = pytest.mark.django_db


def _procedure(*, default: bool):
    procedure = ProcedureFactory(is_default_template=default)
    StepTemplateFactory(procedure=procedure, stage=Stage.TENDERING, number=1)
    StepTemplateFactory(procedure=procedure, stage=Stage.PREPARATION, number=2)
    return procedure


@pytest.fixture
def sampled():
    """A compound given the default template's steps, none confirmed."""
    estate = EstateFactory()
    estate_steps_create(estate=estate, procedure=_procedure(default=True))
    estate.refresh_from_db()
    return estate


def test_the_default_template_gives_samples_and_an_office_procedure_does_not():
    sample, own = EstateFactory(), EstateFactory()

    estate_steps_create(estate=sample, procedure=_procedure(default=True))
    estate_steps_create(estate=own, procedure=_procedure(default=False))

    assert set(sample.steps.values_list("is_sample", flat=True)) == {True}
    assert set(own.steps.values_list("is_sample", flat=True)) == {False}
    sample.refresh_from_db()
    own.refresh_from_db()
    assert sample.stage is None
    assert own.stage == Stage.TENDERING


@pytest.mark.parametrize(
    ("prefix", "tag", "note"),
    [
        ("", "样例，未确认", "标为“样例”的步骤"),
        ("/en", "sample, not confirmed", "Steps marked “sample”"),
    ],
)
def test_the_compound_page_marks_the_sample(client, sampled, prefix, tag, note):
    html = client.get(f"{prefix}/estates/{sampled.slug}/").content.decode()

    assert html.count(tag) == 2
    assert note in html


def test_a_confirmed_list_shows_no_sample_mark(client):
    estate = EstateFactory()
    estate_steps_create(estate=estate, procedure=_procedure(default=False))

    html = client.get(f"/en/estates/{estate.slug}/").content.decode()

    assert "Current step" in html
    assert "sample, not confirmed" not in html
    assert "Steps marked “sample”" not in html


def test_the_api_says_which_steps_are_samples(client, sampled):
    body = client.get(f"/api/v1/estates/{sampled.slug}/").json()

    assert [step["is_sample"] for step in body["steps"]] == [True, True]


def test_setting_a_status_confirms_the_step_and_the_stage_follows(sampled):
    first = sampled.steps.get(number=1)

    step_set_status(step=first, status=StepStatus.DONE, done_on=None)

    sampled.refresh_from_db()
    assert list(sampled.steps.values_list("number", "is_sample")) == [
        (1, False),
        (2, True),
    ]
    assert sampled.stage == Stage.PREPARATION


def test_a_step_changed_on_the_checklist_is_confirmed_and_the_others_stay_samples(
    admin_client, sampled
):
    checklist = url(Estate, "checklist", sampled.pk)
    data = checklist_data(admin_client.get(checklist))
    data["steps-0-planned_on"] = "2030-05-01"

    response = admin_client.post(checklist, data)

    assert response.status_code == HTTPStatus.FOUND
    assert list(sampled.steps.values_list("number", "is_sample")) == [
        (1, False),
        (2, True),
    ]


def test_a_clerk_may_confirm_a_step_as_it_is(admin_client, sampled):
    step = sampled.steps.get(number=2)
    change_url = url(Step, "change", step.pk)
    data = form_data(admin_client.get(change_url))
    data.pop("is_sample", None)

    response = admin_client.post(change_url, data)

    step.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert step.is_sample is False


def test_the_checklist_marks_the_samples(admin_client, sampled):
    html = (
        speaking(admin_client, "en")
        .get(url(Estate, "checklist", sampled.pk))
        .content.decode()
    )

    assert html.count("sample, not confirmed") == 2
