"""A compound's step checklist, grouped by stage, for staff (issue 6, item 4)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from estates.models import Stage, StepStatus
from renovation_portal import history_reasons
from staff.roles import COMMUNITY_STAFF, VIEWER
from tests.estates.factories import (
    EstateFactory,
    ProcedureFactory,
    StepDocumentFactory,
    StepFactory,
    StepTemplateFactory,
)
from tests.site.test_admin import checklist_data, speaking
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


def test_checklist_shows_reason_done_date_and_documents(
    django_user_model, areas, estate
):
    viewer = Client()
    viewer.force_login(staff_user(django_user_model, VIEWER, areas[0]))
    done = estate.steps.get(status=StepStatus.DONE)
    document = StepDocumentFactory(step=done, title_en="Tender notice")

    response = speaking(viewer, "en").get(_url(estate))

    assert "The compound has no lift" in response.text
    assert "1 May 2024" in response.text
    assert "<form" not in response.text.split('id="content-main"')[1]
    assert f'href="{document.file.url}"' in response.text


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


# --- several steps in one save (issue 16, item 13) -----------------------------
def test_a_clerk_updates_several_steps_in_one_save(clerk, estate):
    response = clerk.get(_url(estate))
    data = checklist_data(response)
    in_progress = estate.steps.get(status=StepStatus.IN_PROGRESS)
    pending = estate.steps.get(status=StepStatus.PENDING)
    index = {row.instance.pk: i for i, row in enumerate(response.context["rows"].forms)}
    data[f"steps-{index[in_progress.pk]}-status"] = StepStatus.DONE
    data[f"steps-{index[in_progress.pk]}-done_on"] = "2024-06-01"
    data[f"steps-{index[pending.pk]}-planned_on"] = "2030-01-15"

    saved = speaking(clerk, "en").post(_url(estate), data, follow=True)

    in_progress.refresh_from_db()
    pending.refresh_from_db()
    estate.refresh_from_db()
    assert (in_progress.status, str(in_progress.done_on)) == ("done", "2024-06-01")
    assert str(pending.planned_on) == "2030-01-15"
    assert estate.stage == Stage.CONSTRUCTION
    assert "Saved 2 steps." in saved.text
    # The stage's change is in the history, with the step that moved it.
    (reason,) = history_reasons.in_words([estate.history.first().history_change_reason])
    assert in_progress.template.name_zh_hans in reason
    assert reverse("admin:estates_step_change", args=[in_progress.pk]) in saved.text


def test_a_step_marked_done_without_a_date_refuses_the_whole_save(clerk, estate):
    response = clerk.get(_url(estate))
    data = checklist_data(response)
    forms = response.context["rows"].forms
    in_progress = estate.steps.get(status=StepStatus.IN_PROGRESS)
    pending = estate.steps.get(status=StepStatus.PENDING)
    index = {row.instance.pk: i for i, row in enumerate(forms)}
    data[f"steps-{index[in_progress.pk]}-status"] = StepStatus.DONE
    data[f"steps-{index[pending.pk]}-planned_on"] = "2030-01-15"

    refused = speaking(clerk, "en").post(_url(estate), data)

    pending.refresh_from_db()
    in_progress.refresh_from_db()
    assert refused.status_code == HTTPStatus.OK
    assert "Give the date the step was done." in refused.text
    assert in_progress.status == StepStatus.IN_PROGRESS
    assert pending.planned_on is None
    # What the clerk typed is still on the page.
    assert 'value="2030-01-15"' in refused.text


def test_a_step_saved_meanwhile_by_someone_else_refuses_the_save(clerk, estate):
    response = clerk.get(_url(estate))
    data = checklist_data(response)
    pending = estate.steps.get(status=StepStatus.PENDING)
    index = {row.instance.pk: i for i, row in enumerate(response.context["rows"].forms)}
    # Another clerk saves the step after this page was opened.
    pending.planned_on = "2029-03-01"
    pending.save()
    data[f"steps-{index[pending.pk]}-planned_on"] = "2030-01-15"

    refused = speaking(clerk, "en").post(_url(estate), data)

    pending.refresh_from_db()
    assert refused.status_code == HTTPStatus.OK
    assert str(pending.planned_on) == "2029-03-01"
    assert "errornote" in refused.text


def test_a_forged_row_for_another_compound_s_step_saves_nothing(clerk, areas, estate):
    other = EstateFactory(community=areas[0].community)
    (foreign,) = _steps(other, [(Stage.TENDERING, StepStatus.PENDING)])
    response = clerk.get(_url(estate))
    data = checklist_data(response)
    data["steps-0-id"] = str(foreign.pk)
    data["steps-0-planned_on"] = "2030-01-15"

    refused = speaking(clerk, "en").post(_url(estate), data)

    foreign.refresh_from_db()
    assert refused.status_code == HTTPStatus.OK
    assert foreign.planned_on is None
    assert "The list of steps has changed since this page was opened." in refused.text


def test_a_viewer_cannot_save_the_checklist(django_user_model, areas, estate):
    viewer = Client()
    viewer.force_login(staff_user(django_user_model, VIEWER, areas[0]))

    response = viewer.post(_url(estate), {"steps-TOTAL_FORMS": "0"})

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_refused_save_shows_the_stored_status_beside_what_was_typed(clerk, estate):
    response = clerk.get(_url(estate))
    data = checklist_data(response)
    pending = estate.steps.get(status=StepStatus.PENDING)
    index = {row.instance.pk: i for i, row in enumerate(response.context["rows"].forms)}
    data[f"steps-{index[pending.pk]}-status"] = StepStatus.DONE  # no date: refused

    refused = speaking(clerk, "en").post(_url(estate), data)

    groups = refused.context["groups"]
    shown = next(
        step for group in groups for step in group.steps if step.pk == pending.pk
    )
    assert shown.status == StepStatus.PENDING
    assert shown.row["status"].value() == StepStatus.DONE
    assert [(g.finished, g.total) for g in groups] == [(2, 3), (0, 1)]
