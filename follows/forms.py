from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Channel, Mode
from .services import normalize_contact, purpose_text


def building_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your building (optional)"),
        help_text=_(
            "With your building number, notices about works on other buildings "
            "are not sent to you."
        ),
        max_length=20,
        required=False,
    )


class FollowForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Tell me by"),
        choices=Channel.choices,
        initial=Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Your e-mail address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    building = building_field()
    mode = forms.ChoiceField(
        label=_("How often"),
        choices=Mode.choices,
        initial=Mode.AT_ONCE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Nothing can be sent to you without your agreement.")
        },
    )
    # Left empty by people; filled in by robots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = purpose_text()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(_("This request could not be accepted."))
        channel, contact = cleaned.get("channel"), cleaned.get("contact")
        if channel and contact:
            try:
                cleaned["contact"] = normalize_contact(channel=channel, contact=contact)
            except ValidationError as error:
                self.add_error("contact", error)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code from the text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class SettingsForm(forms.Form):
    """What a follower may change without asking again: how often, which
    building, which language (the contact itself is changed by following
    again with the new one)."""

    mode = forms.ChoiceField(
        label=_("How often"), choices=Mode.choices, widget=forms.RadioSelect
    )
    building = building_field()
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, with_building: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_building:
            del self.fields["building"]
