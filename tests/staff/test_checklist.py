"""A compound's step checklist, grouped by stage, for staff (issue 6, item 4)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from estates.models import Stage, StepStatus
from staff.roles import COMMUNITY_STAFF
from tests.estates.factories import (
    EstateFactory,
    ProcedureFactory,
    StepDocumentFactory,
    StepFactory,
    StepTemplateFactory,
)
from tests.site.test_admin import speaking
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


def _url(estate):
    return reverse("admin:estates_estate_checklist", args=[estate.pk])


@pytest.fixture
def clerk(django_user_model, areas):
    client = Client()
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, areas[0]))
    return client


def _steps(estate, stages_and_statuses):
    procedure = ProcedureFactory()
    steps = []
    for number, (stage, status) in enumerate(stages_and_statuses, start=1):
        template = StepTemplateFactory(procedure=procedure, stage=stage, number=number)
        extra = {}
        if status == StepStatus.NOT_APPLICABLE:
            extra["not_applicable_reason_zh_hans"] = "本小区无电梯"
            extra["not_applicable_reason_en"] = "The compound has no lift"
        if status == StepStatus.DONE:
            extra["done_on"] = "2024-05-01"
        steps.append(
            StepFactory(estate=estate, template=template, status=status, **extra)
        )
    return steps


@pytest.fixture
def estate(areas):
    estate = EstateFactory(community=areas[0].community)
    # Made out of order on purpose: the page orders stages, not the rows.
    _steps(
        estate,
        [
            (Stage.CONSTRUCTION, StepStatus.PENDING),
            (Stage.TENDERING, StepStatus.DONE),
            (Stage.TENDERING, StepStatus.NOT_APPLICABLE),
            (Stage.TENDERING, StepStatus.IN_PROGRESS),
        ],
    )
    return estate


def test_checklist_groups_steps_under_their_stages_in_order(clerk, estate):
    response = speaking(clerk, "en").get(_url(estate))

    assert response.status_code == HTTPStatus.OK
    groups = response.context["groups"]
    assert [(g.stage, g.finished, g.total) for g in groups] == [
        (Stage.TENDERING, 2, 3),
        (Stage.CONSTRUCTION, 0, 1),
    ]
    assert [s.number for s in groups[0].steps] == [2, 3, 4]
    text = response.text
    assert text.index("2 of 3 finished") < text.index("0 of 1 finished")


def test_checklist_shows_reason_done_date_and_documents(clerk, estate):
    done = estate.steps.get(status=StepStatus.DONE)
    document = StepDocumentFactory(step=done, title_en="Tender notice")

    response = speaking(clerk, "en").get(_url(estate))

    assert "The compound has no lift" in response.text
    assert "May 1, 2024" in response.text
    assert f'href="{document.file.url}"' in response.text
    assert reverse("admin:estates_step_change", args=[done.pk]) in response.text


def test_checklist_speaks_chinese_by_default(clerk, estate):
    response = clerk.get(_url(estate))

    assert "招投标" in response.text
    assert "本小区无电梯" in response.text


def test_compound_page_links_to_its_checklist(clerk, estate):
    response = clerk.get(reverse("admin:estates_estate_change", args=[estate.pk]))

    assert _url(estate) in response.text


def test_clerk_of_another_community_cannot_open_the_checklist(
    django_user_model, areas, estate
):
    outsider = Client()
    outsider.force_login(staff_user(django_user_model, COMMUNITY_STAFF, areas[1]))

    response = outsider.get(_url(estate))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [1, 50])
def test_checklist_queries_do_not_grow_with_steps(
    clerk, areas, count, django_assert_max_num_queries
):
    estate = EstateFactory(community=areas[0].community)
    steps = _steps(estate, [(Stage.PREPARATION, StepStatus.DONE)] * count)
    for step in steps:
        StepDocumentFactory(step=step)

    # One of them reads the districts of the clerk's assignment (issue 15).
    with django_assert_max_num_queries(14):
        response = clerk.get(_url(estate))

    assert len(response.context["groups"][0].steps) == count
