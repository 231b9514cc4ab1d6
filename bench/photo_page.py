"""A synthetic compound with nine photos, for weighing the estate page "with
its thumbnails" (issue 7, item 5) in ``make lighthouse``.

The source data have no photos, so the Lighthouse run adds one synthetic
compound (``generate_synthetic --estates 1``: marked synthetic, the banner
shows) and gives it three photos of each kind, made the way an upload is made
(``renovation_portal.images.clean_image``: re-encoded, a 480 px WebP
thumbnail).
The pictures are gradients with noise, which JPEG compresses worse than a
real photograph of a building, so the weight measured errs on the heavy side.

Run inside Django (``manage.py shell``): prints the compound's slug and the
bytes of its nine thumbnails.
"""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from estates.models import Estate, Photo, PhotoKind
from renovation_portal.images import clean_image

SIDE = (1600, 1200)


def picture(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(SIDE).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):  # "buildings": blocks of colour
        x, y = rng.randrange(SIDE[0]), rng.randrange(SIDE[1] // 3, SIDE[1])
        colour = tuple(rng.randrange(60, 220) for _ in range(3))
        draw.rectangle((x, y, x + rng.randrange(80, 300), SIDE[1]), fill=colour)
    # Enough noise that a 480 px JPEG weighs what a phone photo's does (about
    # 35 KB; as the WebP thumbnail about 18 KB); flat colour would make it
    # implausibly light.
    noise = Image.effect_noise(SIDE, 64).convert("RGB")
    image = Image.blend(image, noise, 0.4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def main() -> None:
    estate = Estate.objects.filter(is_synthetic=True).order_by("pk").first()
    estate.photos.all().delete()
    thumbnails = 0
    for number, kind in enumerate(
        [PhotoKind.BEFORE] * 3 + [PhotoKind.DURING] * 3 + [PhotoKind.AFTER] * 3
    ):
        clean = clean_image(
            SimpleUploadedFile(f"{number}.jpg", picture(number), "image/jpeg")
        )
        Photo.objects.create(
            estate=estate,
            kind=kind,
            image=clean.image,
            thumbnail=clean.thumbnail,
            is_synthetic=True,
        )
        thumbnails += clean.thumbnail.size
    print(estate.slug, thumbnails)  # noqa: T201


main()
