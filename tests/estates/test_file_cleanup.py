"""Stored files follow their rows: gone when the row is deleted or the file
replaced, kept when the delete is rolled back (issue 6, item 4)."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from estates.models import Photo, StepDocument
from tests.estates.factories import (
    EstateFactory,
    InspectionFactory,
    PhotoFactory,
    StepDocumentFactory,
)
from tests.estates.test_photos import _add_photo
from tests.governance.images import image_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _exists(field_file) -> bool:
    return Path(field_file.path).exists()


def test_deleting_a_step_document_deletes_its_file(
    django_capture_on_commit_callbacks,
):
    document = StepDocumentFactory()
    stored = Path(document.file.path)
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()

    assert not stored.exists()


def test_rolled_back_delete_keeps_the_file(django_capture_on_commit_callbacks):
    document = StepDocumentFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        StepDocument.objects.get(pk=document.pk).delete()
        raise RuntimeError("the admin's save failed")

    assert _exists(document.file)
    assert StepDocument.objects.filter(pk=document.pk).exists()


def test_replacing_a_document_deletes_the_old_file(
    django_capture_on_commit_callbacks,
):
    document = StepDocumentFactory()
    old = Path(document.file.path)
    document = StepDocument.objects.get(pk=document.pk)

    with django_capture_on_commit_callbacks(execute=True):
        # As the admin's form does: the upload is assigned, then saved.
        document.file = ContentFile(PDF, name="new.pdf")
        document.save()

    assert not old.exists()
    assert _exists(document.file)


def test_deleting_a_step_deletes_its_documents_files(
    django_capture_on_commit_callbacks,
):
    document = StepDocumentFactory()
    stored = Path(document.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        document.step.delete()

    assert not stored.exists()


def test_deleting_an_inspection_deletes_its_document(
    django_capture_on_commit_callbacks,
):
    inspection = InspectionFactory(document=ContentFile(PDF, name="report.pdf"))
    stored = Path(inspection.document.path)

    with django_capture_on_commit_callbacks(execute=True):
        inspection.delete()

    assert not stored.exists()


def test_deleting_a_photo_deletes_image_and_thumbnail(
    admin_client, django_capture_on_commit_callbacks
):
    _add_photo(admin_client, EstateFactory(), image_bytes(size=(1200, 900)))
    photo = Photo.objects.get()
    image, thumbnail = Path(photo.image.path), Path(photo.thumbnail.path)
    assert image.exists() and thumbnail.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:estates_photo_delete", args=[photo.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not image.exists()
    assert not thumbnail.exists()


def test_file_shared_with_another_row_is_kept(django_capture_on_commit_callbacks):
    first = PhotoFactory()
    first.image.save("placeholder.jpg", ContentFile(image_bytes()))
    second = PhotoFactory(image=first.image.name)

    with django_capture_on_commit_callbacks(execute=True):
        second.delete()

    assert _exists(first.image)
