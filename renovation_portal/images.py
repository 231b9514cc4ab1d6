"""Uploaded photos made safe: decided by content, limited, re-encoded. Knows no app.

Only JPEG, PNG and WebP are accepted, recognised by their first bytes, never by
the file's name or the browser's content type. The size is checked before
anything is decoded and the pixel count before the pixels are read; Pillow's
decompression-bomb warning is an error. The image is verified, fully loaded
(a truncated file fails here), turned upright from its EXIF orientation, and
re-encoded from its pixels alone, so no metadata (EXIF with GPS, XMP, ICC,
comments, appended HTML or script) survives. A thumbnail is made at the same
time, always as WebP: on a phone the thumbnails are most of the compound page's
weight, and WebP carries a 480 px photo in about half the bytes of JPEG
(issue 7: the page with its thumbnails ≤ 250 KB). Nothing here writes to
storage: the caller stores the results only once every file of a submission
has passed.

https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open
(STYLE.md "Known traps": lower MAX_IMAGE_PIXELS, DecompressionBombWarning as an
error, exif_transpose, re-encode the original too.)
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Far below Pillow's own 89 million: 40 MP still covers a phone's full photo.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 2560
DEFAULT_THUMBNAIL_SIDE = 480
# WebP quality of the thumbnails: a noisy 480 px phone photo is about 18 KB
# (JPEG at 85 was about 35 KB); the original keeps its own format and quality.
THUMBNAIL_QUALITY = 75

# Pillow refuses (with DecompressionBombError) images of more than twice this,
# and warns above it; the warning is made an error below.
Image.MAX_IMAGE_PIXELS = getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)

# (magic bytes test, Pillow format, extension)
_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "JPEG", "jpg"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "PNG", "png"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "WEBP", "webp"),
)

NOT_AN_IMAGE = _("Only photos in JPEG, PNG or WebP format can be sent.")
TOO_LARGE = _("This photo is larger than %(limit)s MB. Please send a smaller one.")
TOO_MANY_PIXELS = _("This photo has too many pixels. Please send a smaller one.")
DAMAGED = _("This photo could not be read; it may be damaged or incomplete.")


class ImageRejected(ValueError):
    """An upload that is not a safe photo; ``message`` says why, translated."""

    def __init__(self, message, code: str, params: dict | None = None):
        self.message = message
        self.code = code
        self.params = params or {}
        super().__init__(code)

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded photo and its thumbnail, not yet stored (random names)."""

    image: ContentFile
    thumbnail: ContentFile
    format: str
    width: int
    height: int


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sniff_format(head: bytes) -> tuple[str, str] | None:
    """(Pillow format, extension) from a file's first bytes, or None."""
    for matches, image_format, extension in _SIGNATURES:
        if matches(head):
            return image_format, extension
    return None


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    options: dict = {}
    if image_format == "THUMBNAIL":
        image_format = "WEBP"
        options = {"quality": THUMBNAIL_QUALITY, "method": 6, "exif": b"", "xmp": b""}
    elif image_format == "JPEG":
        options = {"quality": 85, "optimize": True, "exif": b""}
    elif image_format == "WEBP":
        options = {"quality": 85, "exif": b"", "xmp": b""}
    elif image_format == "PNG":
        options = {"optimize": True}
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _pixels_only(image: Image.Image, image_format: str) -> Image.Image:
    """A copy carrying the pixels and nothing else (no info, no EXIF, no ICC)."""
    if image_format == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        mode = "RGBA" if has_alpha else "RGB"
    clean = image.convert(mode)
    if clean is image:
        clean = image.copy()
    clean.info = {}
    return clean


def clean_image(upload) -> CleanImage:
    """Check ``upload`` (a Django UploadedFile or any file object) and return it
    re-encoded with a thumbnail; raise :class:`ImageRejected` otherwise."""
    max_bytes = _limit("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_pixels = _limit("UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise ImageRejected(
            TOO_LARGE, "too_large", {"limit": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    found = sniff_format(upload.read(16))
    if found is None:
        raise ImageRejected(NOT_AN_IMAGE, "not_an_image")
    image_format, extension = found

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload, formats=[image_format]) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRejected(TOO_MANY_PIXELS, "too_many_pixels")
                probe.verify()
            # verify() leaves the image unusable: open it again to decode.
            upload.seek(0)
            with Image.open(upload, formats=[image_format]) as opened:
                opened.load()
                upright = ImageOps.exif_transpose(opened)
                clean = _pixels_only(upright, image_format)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(TOO_MANY_PIXELS, "too_many_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ImageRejected(DAMAGED, "damaged") from None

    side = _limit("UPLOAD_MAX_SIDE", DEFAULT_MAX_SIDE)
    clean.thumbnail((side, side), Image.Resampling.LANCZOS)
    thumbnail = clean.copy()
    thumb_side = _limit("UPLOAD_THUMBNAIL_SIDE", DEFAULT_THUMBNAIL_SIDE)
    thumbnail.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)

    stem = secrets.token_hex(16)
    return CleanImage(
        image=ContentFile(_encode(clean, image_format), name=f"{stem}.{extension}"),
        thumbnail=ContentFile(
            _encode(thumbnail, "THUMBNAIL"), name=f"{stem}-thumb.webp"
        ),
        format=image_format,
        width=clean.width,
        height=clean.height,
    )
