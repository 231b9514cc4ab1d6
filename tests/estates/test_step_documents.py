"""Step documents: checked by content, size-limited, stored under random names
(issue 6, item 4)."""

import functools
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from estates.models import StepDocument
from tests.estates.factories import StepFactory
from tests.site.test_admin import form_data, speaking

pytestmark = pytest.mark.django_db


@functools.cache
def real_pdf() -> bytes:
    # Made once: Pillow writes the time of day into a PDF, so two made a
    # second apart differ.
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def docx(parts=("word/document.xml",), content_types=b"<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for part in parts:
            archive.writestr(part, b"<w:document/>")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def step():
    return StepFactory()


def upload(client, step, name, content, language="en"):
    url = reverse("admin:estates_stepdocument_add")
    data = form_data(client.get(url))
    data.update({"step": step.pk, "title_zh_hans": "施工许可证"})
    data["file"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return speaking(client, language).post(url, data)


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("施工许可证 scan.PDF", real_pdf(), "pdf"),
        ("会议纪要.docx", docx(), "docx"),
        ("预算.xlsx", docx(parts=("xl/workbook.xml",)), "xlsx"),
        ("现场.png", png(), "png"),
        ("旧表格.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "xls"),
    ],
)
def test_accepted_document_is_stored_under_a_random_name_with_its_true_type(
    admin_client, step, settings, name, content, extension
):
    response = upload(admin_client, step, name, content)
    assert response.status_code == 302
    document = StepDocument.objects.get(step=step)
    stored = Path(document.file.name)
    assert stored.suffix == f".{extension}"
    assert "scan" not in stored.name and "施工" not in stored.name
    assert len(stored.stem) == 32
    with document.file.open("rb") as kept:
        assert kept.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "通知.pdf",
            b"<!doctype html><script>alert(1)</script>",
            "Only PDF files, photos",
        ),
        ("macro.docx", docx(content_types=b"macroEnabled"), "without macros"),
        ("archive.docx", docx(parts=("other.xml",)), "Only PDF files, photos"),
        ("broken.docx", b"PK\x03\x04not really a zip", "could not be read"),
        ("truncated.png", png()[:60], "could not be read"),
        ("renamed.doc.exe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), "Only"),
    ],
)
def test_file_that_is_not_what_it_claims_is_refused_and_nothing_stored(
    admin_client, step, settings, name, content, message
):
    response = upload(admin_client, step, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StepDocument.objects.exists()
    assert stored_files(settings) == []


def test_oversized_file_is_refused_naming_the_limit(admin_client, step, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    content = real_pdf() + b"\n%" + b"0" * (1024 * 1024)
    response = upload(admin_client, step, "big.pdf", content, language="zh-hans")
    assert response.status_code == 200
    assert not StepDocument.objects.exists()
    assert stored_files(settings) == []
    assert "1 MB" in response.content.decode()


def test_a_script_replacing_a_document_stores_the_new_content_unread(step, settings):
    """``FieldFile.save()`` (a script, not the admin) cannot show the new
    content to the namer: it is kept, under a random ``.bin`` name, and the
    old file is neither read nor reused for the extension."""
    document = StepDocument(step=step, title_zh_hans="现场照片")
    document.file.save("现场.png", ContentFile(png()))
    first = document.file.name
    assert first.endswith(".bin") and "现场" not in first

    document.file.save("施工许可证.pdf", ContentFile(real_pdf()))
    document.refresh_from_db()
    assert document.file.name != first and document.file.name.endswith(".bin")
    with document.file.open("rb") as kept:
        assert kept.read() == real_pdf()
