"""Uploaded media on S3-compatible object storage (django-storages), when
``MEDIA_S3_BUCKET`` is set (settings.py). Knows no app.

Every object is written with the headers it will be served with, as S3 object
parameters, so the bucket answers the way the app's own media serving does
(renovation_portal.middleware):

- ``Content-Type`` from the file's extension, never the uploader's word; a type a
  browser would run as a page or script (HTML, SVG, XML, JavaScript) is stored
  as ``application/octet-stream`` instead, so no object of the bucket can ever
  act as a page even where nothing adds ``nosniff``.
- ``Content-Disposition``: ``inline`` only for the photos the portal re-encoded
  itself (renovation_portal.images: JPEG, PNG or WebP under ``photos/`` and
  ``feedback/``); ``attachment`` for everything else, e.g. staff's step
  documents.

S3 keeps no other response headers per object: ``X-Content-Type-Options:
nosniff`` and the sandboxing policy come from what serves the bucket — the
nginx example's ``/media/`` location or a CDN (README, "Production and
operations").

Names stay as the portal chose them (random for photos) and an existing object
is never overwritten: a clash gets a new name, as on disk.

https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

# Photos renovation_portal.images re-encoded from their pixels alone.
REENCODED_FOLDERS = ("photos/", "feedback/")
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}
# Types a browser would render or run: stored as plain bytes instead.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
}
DEFAULT_TYPE = "application/octet-stream"


def media_headers(name: str) -> dict[str, str]:
    """The S3 object parameters (``ContentType``, ``ContentDisposition``) an
    uploaded file is stored and served with."""
    filename = posixpath.basename(name)
    content_type = mimetypes.guess_type(filename, strict=True)[0] or DEFAULT_TYPE
    if content_type in ACTIVE_TYPES:
        content_type = DEFAULT_TYPE
    inline = content_type in INLINE_TYPES and name.startswith(REENCODED_FOLDERS)
    return {
        "ContentType": content_type,
        "ContentDisposition": content_disposition_header(
            as_attachment=not inline, filename=filename
        ),
    }


class MediaS3Storage(S3Storage):
    """django-storages' S3 storage that sets :func:`media_headers` on every
    object and never overwrites one."""

    file_overwrite = False
    default_acl = None

    def get_object_parameters(self, name):
        return {**super().get_object_parameters(name), **media_headers(name)}
