"""Checks on what residents type: phone numbers for a call-back."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Separators people type inside a number: spaces, hyphens, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-.()（）—－]+")
MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area code (3 or 4 digits, starting with 0) and a 7- or 8-digit number.
LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[2-9][0-9]{6,7}")

INVALID_PHONE = _(
    "Enter a mainland mobile number (11 digits starting with 1) or a landline "
    "number with its area code, such as 0392-1234567."
)


def normalize_phone(text: str) -> str:
    """A phone number as digits only (``13812345678``, ``03921234567``).

    Full-width digits and separators are accepted, as is a +86 prefix; anything
    else raises ValidationError. An empty text gives "".
    """
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return ""
    value = _SEPARATORS.sub("", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if MOBILE.fullmatch(value) or (
        LANDLINE.fullmatch(value) and len(value) in (10, 11, 12)
    ):
        return value
    raise ValidationError(INVALID_PHONE, code="invalid_phone")
