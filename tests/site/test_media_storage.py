"""Uploaded media on S3-compatible storage (issue 8, item 7) and the headers
every uploaded file is served with (item 1). No network: boto3's client is
answered by botocore's Stubber."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.stub import Stubber
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.http import content_disposition_header

from governance.models import FeedbackPhoto
from governance.services import feedback_submit
from renovation_portal.storage import MediaS3Storage, media_headers
from tests.estates.factories import EstateFactory
from tests.governance.images import image_bytes, upload

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "portal-media"
S3_ENV = {
    "MEDIA_S3_BUCKET": BUCKET,
    "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net",
    "MEDIA_S3_REGION": "cn-north-1",
    "MEDIA_S3_ACCESS_KEY_ID": "test-access-key",
    "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret-key",
}
PORTAL_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY", "REDIS_URL"}


def settings_with(**env):
    """STORAGES["default"], MEDIA_URL and the policy's img-src, read from the
    settings module in a fresh interpreter with ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PORTAL_VARIABLES and not k.startswith("MEDIA_S3_")
    }
    clean.update(env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import renovation_portal.settings as s;"
            "print(repr((s.STORAGES['default'], s.MEDIA_URL,"
            " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])))",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------
# Settings
# ------------------------------------------------------------------------------
def test_without_a_bucket_uploads_stay_on_disk():
    storage, media_url, img_src = settings_with()

    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_url == "/media/"
    assert img_src == ["'self'", "data:"]


def test_a_bucket_selects_the_s3_storage_with_the_given_options():
    storage, _media_url, img_src = settings_with(**S3_ENV)

    assert storage == {
        "BACKEND": "renovation_portal.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": "https://s3.example.net",
            "region_name": "cn-north-1",
            "addressing_style": None,
            "access_key": "test-access-key",
            "secret_key": "test-secret-key",
            "custom_domain": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    # Path-style and virtual-hosted addresses of the bucket both show images.
    assert img_src == [
        "'self'",
        "data:",
        "https://s3.example.net",
        f"https://{BUCKET}.s3.example.net",
    ]


def test_a_custom_domain_gives_plain_urls_from_there():
    storage, media_url, img_src = settings_with(
        **S3_ENV, MEDIA_S3_CUSTOM_DOMAIN="portal.example.org/media/"
    )

    assert storage["OPTIONS"]["custom_domain"] == "portal.example.org/media"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert media_url == "https://portal.example.org/media/"
    assert img_src == ["'self'", "data:", "https://portal.example.org"]


def test_amazon_s3_without_an_endpoint_allows_the_buckets_own_address():
    _storage, _media_url, img_src = settings_with(
        MEDIA_S3_BUCKET=BUCKET, MEDIA_S3_REGION="cn-north-1"
    )

    assert f"https://{BUCKET}.s3.cn-north-1.amazonaws.com.cn" in img_src


def test_without_keys_boto3_finds_its_own_credentials():
    storage, _media_url, _img_src = settings_with(MEDIA_S3_BUCKET=BUCKET)

    assert storage["OPTIONS"]["access_key"] is None
    assert storage["OPTIONS"]["secret_key"] is None


# ------------------------------------------------------------------------------
# The headers of each object
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type", "disposition"),
    [
        ("feedback/0f3a.jpg", "image/jpeg", 'inline; filename="0f3a.jpg"'),
        (
            "feedback/0f3a-thumb.webp",
            "image/webp",
            'inline; filename="0f3a-thumb.webp"',
        ),
        ("photos/2026/9c1d.png", "image/png", 'inline; filename="9c1d.png"'),
        (
            "steps/2026/plan.pdf",
            "application/pdf",
            'attachment; filename="plan.pdf"',
        ),
        # Not re-encoded by the portal: a download, even if it is a picture.
        ("steps/2026/site.jpg", "image/jpeg", 'attachment; filename="site.jpg"'),
        # Anything a browser would render or run is stored as plain bytes.
        (
            "steps/2026/evil.html",
            "application/octet-stream",
            'attachment; filename="evil.html"',
        ),
        (
            "photos/2026/evil.svg",
            "application/octet-stream",
            'attachment; filename="evil.svg"',
        ),
        (
            "steps/2026/no-extension",
            "application/octet-stream",
            'attachment; filename="no-extension"',
        ),
    ],
)
def test_each_object_gets_its_type_and_disposition(name, content_type, disposition):
    assert media_headers(name) == {
        "ContentType": content_type,
        "ContentDisposition": disposition,
    }


def test_a_chinese_file_name_is_encoded_in_the_disposition():
    headers = media_headers("steps/2026/施工方案.pdf")

    assert headers["ContentDisposition"] == content_disposition_header(
        as_attachment=True, filename="施工方案.pdf"
    )
    assert headers["ContentDisposition"].startswith("attachment; filename*=utf-8''")


# ------------------------------------------------------------------------------
# Saving through the storage (botocore's Stubber stands in for S3)
# ------------------------------------------------------------------------------
class StubbedBucket:
    """Records every PutObject the storage sends; answers HeadObject with 404
    (no such object yet) and PutObject with success."""

    def __init__(self, storage):
        self.client = storage.connection.meta.client
        self.stubber = Stubber(self.client)
        self.puts = []
        self.client.meta.events.register(
            "before-parameter-build.s3.PutObject", self._record
        )

    def _record(self, params, **kwargs):
        self.puts.append({k: v for k, v in params.items() if k != "Body"})

    def expect_new_object(self):
        self.stubber.add_client_error(
            "head_object", service_error_code="404", http_status_code=404
        )
        self.stubber.add_response("put_object", {}, None)

    def expect_existing_object(self):
        self.stubber.add_response("head_object", {"ContentLength": 1}, None)


@pytest.fixture
def s3_storage(settings):
    """The default storage as settings.py builds it with S3_ENV."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "renovation_portal.storage.MediaS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": "https://s3.example.net",
                "region_name": "cn-north-1",
                "addressing_style": None,
                "access_key": "test-access-key",
                "secret_key": "test-secret-key",
                "custom_domain": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return default_storage


@pytest.fixture
def bucket(s3_storage):
    stubbed = StubbedBucket(s3_storage)
    with stubbed.stubber:
        yield stubbed
        stubbed.stubber.assert_no_pending_responses()


def test_default_storage_is_the_s3_storage_when_configured(s3_storage):
    assert isinstance(s3_storage, MediaS3Storage)


def test_saving_a_document_sends_it_as_an_attachment_with_its_type(bucket):
    bucket.expect_new_object()

    name = default_storage.save("steps/2026/plan.pdf", ContentFile(b"%PDF-1.7"))

    assert name == "steps/2026/plan.pdf"
    assert bucket.puts == [
        {
            "Bucket": BUCKET,
            "Key": "steps/2026/plan.pdf",
            "ContentType": "application/pdf",
            "ContentDisposition": 'attachment; filename="plan.pdf"',
            "ChecksumAlgorithm": bucket.puts[0].get("ChecksumAlgorithm"),
        }
    ]


def test_saving_an_html_file_never_stores_it_as_a_page(bucket):
    bucket.expect_new_object()

    default_storage.save("steps/2026/evil.html", ContentFile(b"<script></script>"))

    assert bucket.puts[0]["ContentType"] == "application/octet-stream"
    assert bucket.puts[0]["ContentDisposition"].startswith("attachment;")


def test_an_existing_object_is_never_overwritten(bucket):
    bucket.expect_existing_object()
    bucket.expect_new_object()

    name = default_storage.save("steps/2026/plan.pdf", ContentFile(b"%PDF-1.7"))

    assert name != "steps/2026/plan.pdf"
    assert name.startswith("steps/2026/plan_")
    assert [put["Key"] for put in bucket.puts] == [name]


@pytest.mark.django_db
def test_feedback_photos_reach_the_bucket_re_encoded_inline_with_random_names(
    bucket,
):
    estate = EstateFactory()
    bucket.expect_new_object()  # the photo
    bucket.expect_new_object()  # its thumbnail

    feedback = feedback_submit(
        estate=estate,
        category="greening",
        text="楼道灯坏了",
        photos=[upload(image_bytes("JPEG"), name="IMG_20260101_张三家.jpg")],
    )

    photo = FeedbackPhoto.objects.get(feedback=feedback)
    assert (photo.width, photo.height) == (64, 48)
    keys = [put["Key"] for put in bucket.puts]
    assert keys == [photo.image.name, photo.thumbnail.name]
    for put, content_type in zip(
        bucket.puts, ["image/jpeg", "image/webp"], strict=True
    ):
        assert put["Key"].startswith("feedback/")
        assert "张三" not in put["Key"]
        assert "IMG_" not in put["Key"]
        assert put["ContentType"] == content_type  # thumbnails are WebP
        assert put["ContentDisposition"].startswith("inline;")


def test_signed_urls_point_at_the_bucket(s3_storage):
    url = s3_storage.url("feedback/0f3a.jpg")

    assert url.startswith(f"https://s3.example.net/{BUCKET}/feedback/0f3a.jpg?")
    assert "X-Amz-Signature=" in url


def test_virtual_hosted_addressing_for_stores_that_need_it(settings):
    storage = MediaS3Storage(
        bucket_name=BUCKET,
        endpoint_url="https://oss-cn-beijing.aliyuncs.com",
        addressing_style="virtual",
        access_key="test-access-key",
        secret_key="test-secret-key",
    )

    url = storage.url("feedback/0f3a.jpg")

    assert url.startswith(f"https://{BUCKET}.oss-cn-beijing.aliyuncs.com/feedback/")
