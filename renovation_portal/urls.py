"""The portal's URLs: site pages under i18n_patterns (Chinese unprefixed, English
under /en/); admin, API and the language switch outside it.

https://docs.djangoproject.com/en/5.2/topics/i18n/translation/#language-prefix-in-url-patterns
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from estates.importing import views as importing
from renovation_portal import exporting, staff_documents
from renovation_portal.health import healthz
from renovation_portal.preferences import elder_mode, robots_txt, set_language
from sitewide import sitemaps
from sitewide.programmes import case_study_redirect
from sitewide.views import HomeView

admin.site.site_header = _("Renovation Portal administration")
admin.site.site_title = _("Renovation Portal")
admin.site.index_title = _("Records")
# The staff dashboard above the records (sitewide/dashboard.py).
admin.site.index_template = "admin/dashboard.html"
# Every portal change list can be exported (renovation_portal/exporting.py).
exporting.install(admin.site, ["estates", "lanes", "governance"])

urlpatterns = [
    # ADMIN_URL moves the admin off the address every bot tries. The import
    # pages come first: the admin would read "import" as a record's id.
    path(settings.ADMIN_URL, include(importing.urls(admin.site))),
    # The office's documents, for staff only (renovation_portal/staff_documents.py).
    path(
        f"{settings.ADMIN_URL}documents/<path:name>",
        admin.site.admin_view(staff_documents.download),
        name="staff-document",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    # For load balancers; no language, no redirect to HTTPS (settings.py).
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots-txt"),
    # For search engines: one address for both languages, each page listing
    # both (sitewide/sitemaps.py).
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    # Before Django's own, which it replaces: see preferences.preference_post.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("sitewide.api.urls")),
    # Like set_language, a POST that sets a cookie and goes back: one address
    # for both languages.
    path("elder-mode/", elder_mode, name="elder-mode"),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("estates.urls")),
    path("", include("lanes.urls")),
    path("", include("governance.urls")),
    path("feedback/", include("governance.feedback_urls")),
    path("follow/", include("follows.urls")),
    path("case-study/", case_study_redirect, name="case-study"),
    path("programmes/", include("sitewide.programme_urls")),
    path("data/", include("sitewide.data.urls")),
    prefix_default_language=False,
)

# The portal's own error pages: JSON under /api/, admin pages under the admin,
# the site's elsewhere; a database that does not answer is a 503 (try again),
# not a 500 (renovation_portal/errors.py).
handler400 = "renovation_portal.errors.bad_request"
handler403 = "renovation_portal.errors.permission_denied"
handler404 = "renovation_portal.errors.page_not_found"
handler500 = "renovation_portal.errors.handle_server_error"

if settings.BENCH:
    # The framework floor the benchmark measures pages against (make bench).
    from renovation_portal.bench import floor

    urlpatterns += [path("bench/floor/", floor, name="bench-floor")]
    if not settings.DEBUG:
        # What nginx does in production, so that `make lighthouse` weighs the
        # estate page with its thumbnails.
        from django.views.static import serve

        urlpatterns += [
            re_path(
                rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
                serve,
                {"document_root": settings.MEDIA_ROOT},
            )
        ]

if settings.DEBUG:
    # Development only: production serves uploads from nginx or S3. Either way
    # they go out as downloads (renovation_portal.middleware).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
