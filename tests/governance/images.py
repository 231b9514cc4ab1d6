"""Image files built in the test, good and bad, for the upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def image_bytes(
    image_format="JPEG", size=(64, 48), color=(200, 30, 30), *, exif=None, **options
) -> bytes:
    mode = "RGBA" if image_format == "PNG" else "RGB"
    image = Image.new(mode, size, color)
    buffer = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_gps_and_rotation() -> bytes:
    """A 60×20 JPEG saying it must be turned (orientation 6) and where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "TestCamera"  # make
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (35.0, 44.0, 0.0), 3: "E", 4: (114.0, 17.0, 0.0)}
    )
    return image_bytes("JPEG", size=(60, 20), exif=exif)
