"""Estate photos uploaded by staff: checked, cleaned and given a phone thumbnail."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from PIL import Image

from estates.models import Photo, PhotoKind
from tests.estates.factories import EstateFactory
from tests.governance.images import (
    GPS_IFD,
    image_bytes,
    jpeg_with_gps_and_rotation,
    upload,
)

pytestmark = pytest.mark.django_db


def _add_photo(client, estate, content, name="photo.jpg"):
    return client.post(
        reverse("admin:estates_photo_add"),
        {
            "estate": estate.pk,
            "kind": PhotoKind.AFTER,
            "image": upload(content, name=name),
            "caption_zh_hans": "改造后的楼道",
            "caption_en": "",
            "taken_on": "",
        },
    )


def test_staff_photo_gets_a_phone_sized_thumbnail(admin_client):
    estate = EstateFactory()
    response = _add_photo(admin_client, estate, image_bytes(size=(2000, 1500)))

    assert response.status_code == HTTPStatus.FOUND
    photo = Photo.objects.get()
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= 480
    with Image.open(photo.image.path) as image:
        assert image.size == (2000, 1500)


def test_staff_photo_loses_its_gps_and_is_turned_upright(admin_client):
    estate = EstateFactory()
    _add_photo(admin_client, estate, jpeg_with_gps_and_rotation())

    photo = Photo.objects.get()
    for path in (photo.image.path, photo.thumbnail.path):
        with Image.open(path) as stored:
            assert not stored.getexif().get_ifd(GPS_IFD)
            assert stored.size == (20, 60)


def test_a_pdf_named_jpg_is_refused_and_nothing_is_stored(admin_client, settings):
    estate = EstateFactory()
    response = _add_photo(admin_client, estate, b"%PDF-1.4\n%fake\n", "scan.jpg")

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["image"]
    assert Photo.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_estate_page_shows_the_thumbnail_and_links_the_original(admin_client, client):
    estate = EstateFactory()
    _add_photo(admin_client, estate, image_bytes(size=(1200, 900)))
    photo = Photo.objects.get()

    response = client.get(f"/estates/{estate.slug}/")

    assert f'<a href="{photo.image.url}"><img src="{photo.thumbnail.url}"' in (
        response.text
    )


def test_api_gives_the_thumbnail_and_the_original(admin_client, client):
    estate = EstateFactory()
    _add_photo(admin_client, estate, image_bytes(size=(1200, 900)))
    photo = Photo.objects.get()

    answer = client.get(f"/api/v1/estates/{estate.slug}/").json()

    assert answer["photos"][0]["thumbnail"].endswith(photo.thumbnail.url)
    assert answer["photos"][0]["original"].endswith(photo.image.url)
