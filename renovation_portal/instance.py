"""What this instance of the portal is called. Knows no app.

The name is a setting (``SITE_NAME_ZH``, ``SITE_NAME_EN``), never a
programme's: one instance may carry one subdistrict's programme or a
country's worth of them.
"""

from django.conf import settings

from renovation_portal.figures import is_chinese


def site_name(language: str | None = None) -> str:
    """The instance's name in ``language`` (default: the active one)."""
    if is_chinese(language):
        return settings.SITE_NAME_ZH
    return settings.SITE_NAME_EN or settings.SITE_NAME_ZH


def instance(request) -> dict:
    """Context processor: ``site_name`` in the page's language."""
    return {"site_name": site_name()}
