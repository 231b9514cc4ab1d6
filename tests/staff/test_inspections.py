"""Inspection records by resident quality supervisors (issue 6, items 1 and 4)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from estates.models import Estate, Inspection, InspectionOutcome, Stage
from staff.roles import QUALITY_SUPERVISOR
from tests.site.test_admin import form_data, speaking
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:estates_inspection_add")


@pytest.fixture
def supervisor(django_user_model, areas):
    inside, _outside = areas
    client = Client()
    user = staff_user(django_user_model, QUALITY_SUPERVISOR, inside)
    client.force_login(user)
    return user, client


def _data(client, estate, **changes):
    data = form_data(client.get(ADD))
    data.update(
        {
            "estate": estate.pk,
            "kind": "materials",
            "inspected_on": "2026-05-12",
            "findings_zh_hans": "进场水泥抽检合格",
            "outcome": InspectionOutcome.SATISFACTORY,
            **changes,
        }
    )
    return data


def test_supervisor_records_an_inspection_and_is_named_as_its_recorder(
    supervisor, areas
):
    user, client = supervisor
    estate = areas[0].estate
    Estate.objects.filter(pk=estate.pk).update(stage=Stage.CONSTRUCTION)

    response = client.post(ADD, _data(client, estate))

    assert response.status_code == HTTPStatus.FOUND
    inspection = Inspection.objects.get(findings_zh_hans="进场水泥抽检合格")
    assert inspection.recorded_by == user
    assert inspection.history.get().history_user == user


def test_supervisor_cannot_record_on_a_compound_they_do_not_supervise(
    supervisor, areas
):
    _user, client = supervisor
    response = client.post(ADD, _data(client, areas[1].estate))
    assert response.status_code == HTTPStatus.OK
    assert not Inspection.objects.filter(findings_zh_hans="进场水泥抽检合格").exists()


def test_inspection_before_construction_is_refused_and_nothing_saved(supervisor, areas):
    _user, client = supervisor
    estate = areas[0].estate
    Estate.objects.filter(pk=estate.pk).update(stage=Stage.TENDERING)

    response = speaking(client, "en").post(ADD, _data(client, estate))

    assert response.status_code == HTTPStatus.OK
    assert "from the construction stage on" in response.content.decode()
    assert not Inspection.objects.filter(findings_zh_hans="进场水泥抽检合格").exists()


def test_inspection_document_is_checked_by_content(supervisor, areas, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _user, client = supervisor
    estate = areas[0].estate
    fake = SimpleUploadedFile("报告.pdf", b"<html><script>x</script></html>")

    response = speaking(client, "en").post(ADD, _data(client, estate, document=fake))

    assert response.status_code == HTTPStatus.OK
    assert "Only PDF files, photos" in response.content.decode()
    assert not Inspection.objects.filter(findings_zh_hans="进场水泥抽检合格").exists()


def test_supervisor_sees_no_steps_works_or_meetings(supervisor):
    _user, client = supervisor
    for name in ("estates_step", "estates_worksitem", "governance_meeting"):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == HTTPStatus.FORBIDDEN, name


def test_inspections_are_not_shown_on_the_public_compound_page(client, areas):
    estate = areas[0].estate
    Inspection.objects.filter(estate=estate).update(findings_zh_hans="楼顶防水有渗漏")

    response = client.get(estate.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "楼顶防水有渗漏" not in response.content.decode()
