"""Uploaded documents (a step's papers, an inspection's report) checked by
content, size-limited and stored under random names. Knows no app.

Accepted, recognised by their bytes, never by the file's name or the browser's
content type:

- PDF: starts with ``%PDF-``;
- photos and scans: JPEG, PNG, WebP (the first bytes as in
  :mod:`renovation_portal.images`, then Pillow's ``verify()`` within the pixel
  limit). They are kept as sent, not re-encoded: a scanned page must stay legible.
  These documents are shown to staff only;
- Office Open XML: a zip holding ``[Content_Types].xml`` and the main part of a
  Word (``word/document.xml``), Excel (``xl/workbook.xml``) or PowerPoint
  (``ppt/presentation.xml``) file; macro-enabled files are refused;
- legacy Word and Excel (.doc, .xls): the OLE compound-file header
  ``D0 CF 11 E0 A1 B1 1A E1``. The header does not tell the two apart, so the
  extension is taken from the file's name and must be .doc or .xls.

The size (``DOCUMENT_MAX_BYTES``, 20 MiB by default) is checked before anything
is read. The validator runs in the model's ``full_clean()`` (every admin form),
before the file is written: a refused file is never stored.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from .images import DEFAULT_MAX_PIXELS, sniff_format

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Main part of each Office Open XML kind -> extension.
_OOXML_PARTS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)
# [Content_Types].xml is a few kilobytes; read no more than this of it.
_CONTENT_TYPES_LIMIT = 256 * 1024

NOT_A_DOCUMENT = _(
    "Only PDF files, photos (JPEG, PNG, WebP) and Word, Excel or PowerPoint "
    "files can be attached."
)
TOO_LARGE = _("This file is larger than %(limit)s MB. Please attach a smaller one.")
DAMAGED = _("This file could not be read; it may be damaged or incomplete.")
MACROS = _("Files with macros cannot be attached. Please save it without macros.")


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def _image_extension(upload, image_format: str, extension: str) -> str:
    max_pixels = int(getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload, formats=[image_format]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(DAMAGED, code="too_many_pixels")
                image.verify()
        except ValidationError:
            raise
        except (
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
        ):
            raise ValidationError(DAMAGED, code="damaged") from None
    return extension


def _ooxml_extension(upload) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_LIMIT:
                raise ValidationError(DAMAGED, code="damaged")
            content_types = archive.read(info)
    except zipfile.BadZipFile:
        raise ValidationError(DAMAGED, code="damaged") from None
    if b"macroEnabled" in content_types or any(
        name.endswith("vbaProject.bin") for name in names
    ):
        raise ValidationError(MACROS, code="macros")
    for part, extension in _OOXML_PARTS:
        if part in names:
            return extension
    raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")


def document_extension(upload) -> str:
    """The safe extension of ``upload`` read from its content, or raise
    ValidationError (translated, with a code) saying why it is refused."""
    limit = max_bytes()
    if _size(upload) > limit:
        raise ValidationError(
            TOO_LARGE, code="too_large", params={"limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    image = sniff_format(head)
    if image is not None:
        return _image_extension(upload, *image)
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_extension(upload)
    if head.startswith(_OLE_HEADER):
        extension = PurePath(getattr(upload, "name", "") or "").suffix.lower()
        if extension in (".doc", ".xls"):
            return extension[1:]
    raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")


def validate_document(value) -> None:
    """Field validator: a new upload must be an accepted document. A file
    already stored (an unchanged form) is not read again."""
    if getattr(value, "_committed", True):
        return
    try:
        document_extension(value.file)
    finally:
        value.file.seek(0)


@deconstructible
class RandomDocumentName:
    """``upload_to`` for a document field: ``<folder>/<year>/<random>.<ext>``,
    the extension read from the content, nothing kept of the sent name."""

    def __init__(self, folder: str, field_name: str = "file"):
        self.folder = folder
        self.field_name = field_name

    def __call__(self, instance, filename: str) -> str:
        field_file = getattr(instance, self.field_name)
        if field_file._committed:
            # ``FieldFile.save(name, content)`` from a script: the field still
            # holds the old file (or none) and the new content is out of
            # reach, so it is stored unread, under a name no browser will run.
            return f"{self.folder}/{now():%Y}/{secrets.token_hex(16)}.bin"
        try:
            extension = document_extension(field_file.file)
        except ValidationError:
            # Written without validation (a fixture): store it, but under a
            # name no browser will run.
            extension = "bin"
        finally:
            field_file.file.seek(0)
        return f"{self.folder}/{now():%Y}/{secrets.token_hex(16)}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomDocumentName) and (
            self.folder,
            self.field_name,
        ) == (other.folder, other.field_name)
