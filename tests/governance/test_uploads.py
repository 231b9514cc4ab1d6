"""Uploads that cannot hurt (issue 5): the bad-file corpus, each refused with a
clear message or cleaned, and nothing half-stored after a refusal."""

import io
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image

from governance.models import Feedback, FeedbackPhoto, FeedbackStatusChange
from renovation_portal.images import ImageRejected, clean_image
from tests.estates.factories import EstateFactory
from tests.governance.images import (
    GPS_IFD,
    image_bytes,
    jpeg_with_gps_and_rotation,
    upload,
)

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert('x')</script></body></html>"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def oversized() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\0" * (10 * 1024 * 1024)


def bomb(size=(9000, 9000)) -> bytes:
    """A few kilobytes of PNG that would decode to tens of millions of pixels."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return buffer.getvalue()


def truncated() -> bytes:
    noisy = Image.effect_noise((256, 256), 64).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=95)
    whole = buffer.getvalue()
    return whole[: len(whole) // 2]


def html_then_png() -> bytes:
    return HTML + image_bytes("PNG")


def png_then_html() -> bytes:
    return image_bytes("PNG") + HTML


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert('x')</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

REFUSED = [
    pytest.param(oversized(), "too_large", id="oversized"),
    pytest.param(bomb(), "too_many_pixels", id="decompression-bomb"),
    pytest.param(bomb((7000, 7000)), "too_many_pixels", id="over-the-pixel-limit"),
    pytest.param(truncated(), "damaged", id="truncated"),
    pytest.param(html_then_png(), "not_an_image", id="html-png-polyglot"),
    pytest.param(SVG, "not_an_image", id="svg-with-script"),
    pytest.param(PDF, "not_an_image", id="pdf-renamed-jpg"),
]


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _form_data(estate, photo, **extra):
    return {
        "estate": estate.slug,
        "category": "lighting",
        "text": "楼下路灯坏了三天",
        "photos": [photo],
        **extra,
    }


@pytest.mark.parametrize(("content", "code"), REFUSED)
def test_bad_file_is_refused_with_its_reason(content, code):
    with pytest.raises(ImageRejected) as refused:
        clean_image(upload(content, name="photo.jpg"))

    assert refused.value.code == code
    assert str(refused.value)


@pytest.mark.parametrize(("content", "code"), REFUSED)
def test_bad_file_on_the_form_stores_nothing(client, settings, content, code):
    estate = EstateFactory()

    response = client.post(
        "/en/feedback/new/", _form_data(estate, upload(content, name="photo.jpg"))
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Feedback.objects.count() == 0
    assert FeedbackPhoto.objects.count() == 0
    assert FeedbackStatusChange.objects.count() == 0
    assert _stored_files(settings) == []


@pytest.mark.parametrize(("content", "code"), REFUSED)
def test_bad_file_on_the_form_keeps_the_form_filled_and_says_why(client, content, code):
    estate = EstateFactory()

    response = client.post(
        "/en/feedback/new/", _form_data(estate, upload(content, name="photo.jpg"))
    )
    html = response.content.decode()

    assert "楼下路灯坏了三天" in html
    assert f'name="estate" value="{estate.slug}"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html


def test_oversized_file_is_refused_before_decoding(monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image, "open", must_not_open)

    with pytest.raises(ImageRejected):
        clean_image(upload(oversized()))


def test_jpeg_with_gps_is_stored_without_any_exif(client, settings):
    estate = EstateFactory()

    client.post(
        "/feedback/new/",
        _form_data(estate, upload(jpeg_with_gps_and_rotation(), name="IMG_0001.jpg")),
    )

    photo = FeedbackPhoto.objects.get()
    for stored in (photo.image, photo.thumbnail):
        with Image.open(stored.path) as image:
            exif = image.getexif()
            assert dict(exif) == {}
            assert dict(exif.get_ifd(GPS_IFD)) == {}
            assert "exif" not in image.info


def test_jpeg_orientation_is_applied_before_the_exif_is_dropped():
    clean = clean_image(upload(jpeg_with_gps_and_rotation()))

    assert (clean.width, clean.height) == (20, 60)


def test_polyglot_with_trailing_html_is_cleaned_of_it():
    clean = clean_image(upload(png_then_html(), name="photo.png"))

    assert b"<script" not in clean.image.read()


def test_png_text_chunk_does_not_survive_re_encoding():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert('x')</script>")
    clean = clean_image(upload(image_bytes("PNG", pnginfo=info), name="a.png"))

    assert b"<script" not in clean.image.read()


@pytest.mark.parametrize(
    ("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_accepted_format_is_decided_by_content_not_name(image_format, extension):
    clean = clean_image(upload(image_bytes(image_format), name="photo.gif"))

    assert clean.format == image_format
    assert clean.image.name.endswith(f".{extension}")


def test_stored_photo_has_a_random_name_not_the_phone_s(client):
    estate = EstateFactory()

    client.post(
        "/feedback/new/",
        _form_data(estate, upload(image_bytes(), name="张三家门口 2024-05-01.jpg")),
    )

    photo = FeedbackPhoto.objects.get()
    assert "张三" not in photo.image.name
    assert "2024" not in photo.image.name
    assert photo.image.name.startswith("feedback/")


def test_thumbnail_is_made_at_upload():
    clean = clean_image(upload(image_bytes(size=(1600, 1200))))

    with Image.open(clean.thumbnail) as thumbnail:
        assert max(thumbnail.size) <= 480


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_thumbnail_is_a_light_webp_whatever_was_sent(fmt):
    """A noisy phone-sized photo: its thumbnail must stay light enough for nine
    of them to fit the compound page's 250 KB (issue 7)."""
    side = (1600, 1200)
    gradient = Image.linear_gradient("L").resize(side).convert("RGB")
    noisy = Image.blend(gradient, Image.effect_noise(side, 64).convert("RGB"), 0.4)
    sent = io.BytesIO()
    noisy.save(sent, fmt)

    clean = clean_image(upload(sent.getvalue(), name=f"photo.{fmt.lower()}"))

    assert clean.thumbnail.name.endswith("-thumb.webp")
    assert clean.thumbnail.size <= 25 * 1024
    with Image.open(clean.thumbnail) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == (480, 360)
    with Image.open(clean.image) as original:
        assert original.format == fmt


def test_large_photo_is_scaled_down_for_storage():
    clean = clean_image(upload(image_bytes(size=(4000, 1000))))

    assert max(clean.width, clean.height) == 2560


def test_fourth_photo_is_refused(client, settings):
    estate = EstateFactory()
    data = _form_data(estate, None)
    data["photos"] = [upload(image_bytes(), name=f"{n}.jpg") for n in range(4)]

    response = client.post("/en/feedback/new/", data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 3 photos" in response.content.decode()
    assert Feedback.objects.count() == 0
    assert _stored_files(settings) == []


def test_deleting_feedback_deletes_its_photos_files(
    client, settings, django_capture_on_commit_callbacks
):
    client.post(
        "/feedback/new/",
        _form_data(EstateFactory(), upload(image_bytes(), name="a.jpg")),
    )
    assert len(_stored_files(settings)) == 2  # the photo and its thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.get().delete()

    assert _stored_files(settings) == []
