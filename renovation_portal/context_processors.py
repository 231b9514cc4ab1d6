"""What every page's layout needs: the main navigation and elder mode (the
synthetic-data banner's flag comes from sitewide/context_processors.py)."""

from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from renovation_portal.fixed_urls import fixed_url

ELDER_MODE_COOKIE = "elder_mode"

# (URL name, label), in the order the header shows them.
NAVIGATION = (
    ("home", _("Home")),
    ("estates:estate-list", _("Compounds")),
    ("lanes:lane-list", _("Lanes")),
    ("lanes:event-list", _("Events")),
    ("governance:governance", _("Governance")),
    ("programmes:programme-list", _("Programmes")),
)


def _navigation(path: str) -> list[dict]:
    items = []
    for name, label in NAVIGATION:
        # A URL configuration without the site's routes (a test's, say) still
        # renders its pages, with the links it has.
        try:
            url = fixed_url(name)
        except NoReverseMatch:
            continue
        if path == url:
            current = "page"
        elif name != "home" and path.startswith(url):
            current = "true"  # a page inside this section
        else:
            current = ""
        items.append({"url": url, "label": label, "current": current})
    return items


def site(request) -> dict:
    return {
        "elder_mode": request.COOKIES.get(ELDER_MODE_COOKIE) == "1",
        "site_nav": _navigation(request.path),
    }
