"""The resident's feedback form. Checks input only; storing is services'."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from estates.models import Estate, Subdistrict
from renovation_portal.images import ImageRejected

from .models.participation import (
    TEXT_MAX_LENGTH,
    UNLISTED_ADDRESS_MAX_LENGTH,
    UNLISTED_NAME_MAX_LENGTH,
    FeedbackCategory,
)
from .models.surveys import COMMENT_MAX_LENGTH, Dimension, Score
from .services import MAX_PHOTOS, ContactDetails, feedback_clean_photos
from .validators import normalize_phone

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp"


def honeypot_field() -> forms.CharField:
    """A field people never see (hidden by CSS, feedback.css) and bots fill in;
    the residents' forms refuse a submission that fills it."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS files; the images themselves are checked in clean()."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files if f]


NO_COMPOUND = _(
    "Choose your compound first, or say that it is not listed. Nothing was sent."
)


class FeedbackForm(forms.Form):
    """About a compound of the register (``estate``, chosen on the step before)
    or about one it does not hold yet (``unlisted``: its name and address as
    the resident gives them, and the subdistrict whose office answers).

    The compound and the subdistrict come as hidden values from the steps
    that found them (views.feedback_new): no page lists every compound."""

    estate = forms.ModelChoiceField(
        label=_("Compound"),
        queryset=Estate.objects.only("pk", "slug", "name_zh_hans", "name_en"),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "That compound is no longer in the register. Choose it again."
            )
        },
    )
    unlisted = forms.BooleanField(required=False, widget=forms.HiddenInput)
    subdistrict = forms.ModelChoiceField(
        label=_("Subdistrict"),
        queryset=Subdistrict.objects.only("pk"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "That subdistrict is not on the portal. Choose it again."
            )
        },
    )
    unlisted_name = forms.CharField(
        label=_("Your compound's name"),
        max_length=UNLISTED_NAME_MAX_LENGTH,
        required=False,
        help_text=_("As residents call it; another name it is known by helps too."),
    )
    unlisted_address = forms.CharField(
        label=_("Its address"),
        max_length=UNLISTED_ADDRESS_MAX_LENGTH,
        required=False,
        help_text=_("The road and number, or the nearest crossing."),
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose one")), *FeedbackCategory.choices],
        error_messages={"required": _("Choose what your feedback is about.")},
    )
    text = forms.CharField(
        label=_("What is wrong, or what would you like?"),
        min_length=2,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
        help_text=_("Only if you want the office to call you back."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office may use my name and phone number to "
            "contact me about this feedback."
        ),
        required=False,
    )
    website = honeypot_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Help texts with figures are made per request, in its language.
        self.fields["text"].help_text = gettext(
            "Please do not write names or phone numbers here. At most "
            "%(count)s characters."
        ) % {"count": TEXT_MAX_LENGTH}
        self.fields["photos"].help_text = gettext(
            "Up to %(count)s photos, JPEG, PNG or WebP, %(size)s MB each."
        ) % {
            "count": MAX_PHOTOS,
            "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        }

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        try:
            return feedback_clean_photos(photos=photos)
        except ImageRejected as error:
            raise ValidationError(str(error), code=error.code) from None

    @property
    def is_unlisted(self) -> bool:
        return self["unlisted"].value() in (True, "True", "true", "1", "on")

    def clean(self):
        cleaned = super().clean()
        if self.is_unlisted:
            cleaned["estate"] = None
            for field in ("unlisted_name", "unlisted_address"):
                if field not in self.errors and not cleaned.get(field, "").strip():
                    self.add_error(
                        field,
                        ValidationError(
                            self.fields[field].error_messages["required"],
                            code="required",
                        ),
                    )
            if "subdistrict" not in self.errors and cleaned.get("subdistrict") is None:
                self.add_error(None, ValidationError(NO_COMPOUND, code="no_compound"))
        else:
            cleaned["unlisted_name"] = cleaned["unlisted_address"] = ""
            cleaned["subdistrict"] = None
            if "estate" not in self.errors and cleaned.get("estate") is None:
                self.add_error(None, ValidationError(NO_COMPOUND, code="no_compound"))
        if (cleaned.get("name") or cleaned.get("phone")) and not cleaned.get("consent"):
            self.add_error(
                "consent",
                ValidationError(
                    _("Tick this box if you want the office to call you back."),
                    code="no_consent",
                ),
            )
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def contact(self) -> ContactDetails:
        return ContactDetails(
            name=self.cleaned_data.get("name", "").strip(),
            phone=self.cleaned_data.get("phone", ""),
            consent=bool(self.cleaned_data.get("consent")),
        )


class ScoreField(forms.TypedChoiceField):
    """A score from 1 to 5 as large radio buttons, each with its words."""

    def __init__(self, **kwargs):
        super().__init__(
            # Lazy: the field is built once, at import, in no particular language.
            choices=[
                (score.value, format_lazy("{} · {}", score.value, score.label))
                for score in Score
            ],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose a score from 1 to 5."),
                "invalid_choice": _("Choose a score from 1 to 5."),
            },
            **kwargs,
        )


class SurveyForm(forms.Form):
    works_quality = ScoreField(
        label=_("How satisfied are you with the quality of the renovation works?")
    )
    property_service = ScoreField(
        label=_("How satisfied are you with the property management service?")
    )
    facilities = ScoreField(
        label=_("How satisfied are you with the compound's facilities?")
    )
    overall = ScoreField(label=_("Overall, how satisfied are you with the renovation?"))
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = honeypot_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = gettext(
            "Read only by the subdistrict office, never published. Please do not "
            "write names or phone numbers. At most %(count)s characters."
        ) % {"count": COMMENT_MAX_LENGTH}

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def scores(self) -> dict[str, int]:
        return {
            dimension: self.cleaned_data[dimension] for dimension in Dimension.values
        }
