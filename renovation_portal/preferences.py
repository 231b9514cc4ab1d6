"""The visitor's own preferences (language, elder mode) and robots.txt.

Both preferences are a POST that sets a cookie and goes back to the page the
visitor was on, one address for both languages (``urls.py``).
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from renovation_portal.context_processors import ELDER_MODE_COOKIE

ELDER_MODE_COOKIE_AGE = 365 * 24 * 60 * 60  # a year, in seconds


def preference_post(view):
    """A POST that only sets one of the visitor's own preference cookies
    (language, elder mode), checked by its Origin instead of a CSRF token.

    Every page carries these two forms; a per-visitor token in them would make
    every page different for every visitor and no page could be cached
    (renovation_portal/page_cache.py). Browsers send ``Origin`` with every
    cross-site POST, so a form on another site is still refused; a request
    without it (a script, not a browser acting for someone) can only change its
    own cookies. Nothing else is exempt from CSRF.
    https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Origin
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = request.META.get("HTTP_ORIGIN")
        if origin is not None:
            own = f"{request.scheme}://{request.get_host()}"
            if origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS:
                return HttpResponseForbidden(
                    gettext("This form was sent from another site.")
                )
        return view(request, *args, **kwargs)

    return csrf_exempt(require_POST(wrapped))


# Django's view, with the Origin check instead of the token.
set_language = preference_post(django_set_language)


@preference_post
def elder_mode(request):
    """Turn elder mode (large text, simple layout) on or off for this browser,
    then go back to the page the visitor was on."""
    on = request.POST.get("elder_mode") == "1"
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        ELDER_MODE_COOKIE,
        "1" if on else "0",
        max_age=ELDER_MODE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


ROBOTS_TXT = """\
User-agent: *
Disallow: /i18n/
Disallow: /elder-mode/
"""


@require_GET
def robots_txt(request):
    """Every page may be indexed; the two preference forms' targets are not
    pages. The admin's address is not named: it is moved to stay unlisted.
    The sitemap's address must be absolute (https://www.sitemaps.org/protocol.html#submit_robots)."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(
        f"{ROBOTS_TXT}\nSitemap: {sitemap}\n", content_type="text/plain; charset=utf-8"
    )
