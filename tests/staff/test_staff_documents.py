"""The office's documents reach staff through the admin only
(renovation_portal/staff_documents.py): never by a public media address."""

from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from staff.roles import COMMUNITY_STAFF
from tests.estates.factories import (
    EstateFactory,
    InspectionFactory,
    StepDocumentFactory,
    StepFactory,
)
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def document(areas):
    step = StepFactory(estate=EstateFactory(community=areas[0].community))
    return StepDocumentFactory(step=step, title_en="Construction permit")


def clerk_of(area, django_user_model, username):
    client = Client()
    client.force_login(
        staff_user(django_user_model, COMMUNITY_STAFF, area, username=username)
    )
    return client


def test_a_documents_address_is_the_staff_download_not_the_media_folder(document):
    assert document.file.url == f"/admin/documents/{document.file.name}"
    assert document.file.name.startswith("steps/")


def test_a_clerk_of_the_compound_downloads_it(document, areas, django_user_model):
    clerk = clerk_of(areas[0], django_user_model, "inside")

    answer = clerk.get(document.file.url)

    assert answer.status_code == HTTPStatus.OK
    assert b"".join(answer.streaming_content) == PDF
    answer.close()
    assert answer["Content-Disposition"].startswith("attachment;")
    assert "no-store" in answer["Cache-Control"]


def test_a_clerk_of_another_community_gets_404(document, areas, django_user_model):
    other = clerk_of(areas[1], django_user_model, "outside")

    assert other.get(document.file.url).status_code == HTTPStatus.NOT_FOUND


def test_a_visitor_is_sent_to_the_staff_login(client, document):
    answer = client.get(document.file.url)

    assert answer.status_code == HTTPStatus.FOUND
    assert "/login/" in answer["Location"]


def test_a_name_no_record_holds_is_404(admin_client, document):
    answer = admin_client.get("/admin/documents/steps/2026/not-a-document.pdf")

    assert answer.status_code == HTTPStatus.NOT_FOUND


def test_inspection_reports_are_served_the_same_way(admin_client, areas):
    inspection = InspectionFactory(estate=areas[0].estate)
    inspection.document.save("report.pdf", ContentFile(PDF))

    assert inspection.document.url.startswith("/admin/documents/inspections/")
    answer = admin_client.get(inspection.document.url)
    assert answer.status_code == HTTPStatus.OK
    assert b"".join(answer.streaming_content) == PDF
    answer.close()


def test_the_step_page_in_the_admin_links_the_download(admin_client, document):
    answer = admin_client.get(f"/admin/estates/step/{document.step.pk}/change/")

    assert f'href="/admin/documents/{document.file.name}"' in answer.text
    assert "/media/steps/" not in answer.text
