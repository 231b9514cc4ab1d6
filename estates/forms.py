"""Forms shared by the admin's photo pages."""

from django import forms
from django.core.exceptions import ValidationError

from renovation_portal.images import ImageRejected, clean_image

from .models import Photo


class PhotoForm(forms.ModelForm):
    """A photo whose upload is checked by content, re-encoded without its
    metadata (EXIF GPS included) and given a phone-sized thumbnail, as every
    image the portal stores is (renovation_portal/images.py)."""

    class Meta:
        model = Photo
        fields = [
            "estate",
            "kind",
            "image",
            *Photo.caption.fields,
            "taken_on",
        ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or upload == self.initial.get("image"):
            self._clean = None
            return upload
        try:
            self._clean = clean_image(upload)
        except ImageRejected as error:
            raise ValidationError(str(error), code=error.code) from None
        return self._clean.image

    def save(self, commit=True):
        photo = super().save(commit=False)
        clean = getattr(self, "_clean", None)
        if clean is not None:
            photo.thumbnail.save(clean.thumbnail.name, clean.thumbnail, save=False)
        elif not photo.image:
            photo.thumbnail = ""
        if commit:
            photo.save()
            self.save_m2m()
        return photo
