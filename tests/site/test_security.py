"""Production hardening (issue 8, items 1 and 2): `check --deploy` is clean,
every response carries the security headers, uploads go out as downloads, staff
logins are throttled, staff sessions expire and the admin can move."""

import importlib
import json
import os
import re
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches, path, reverse
from django.views.static import serve

from renovation_portal.middleware import client_ip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PRODUCTION_HOST = "portal.example.org"
PASSWORD = "not-a-real-password-1"
# Environment variables of the developer's shell (and of tests/conftest.py)
# that must not leak into a "production" subprocess.
PORTAL_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "ADMIN_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "AWS_STORAGE_BUCKET_NAME",
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_CUSTOM_DOMAIN",
    "STAFF_OTP_REQUIRED",
}
PAGES = [
    "/",
    "/en/",
    "/en/estates/",
    "/en/data/",
    "/api/v1/",
    "/api/docs/",
    "/admin/login/",
    "/healthz",
    "/en/no-such-page/",
]


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS=PRODUCTION_HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def run_python(code, env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# In the subprocess: Django's test client against the production settings,
# printing the status and headers of one request as JSON.
PRODUCTION_REQUEST = """
import json, sys, django
django.setup()
from django.test import Client
response = Client().get(
    sys.argv[1], secure=sys.argv[2] == "https", HTTP_HOST="portal.example.org"
)
print(json.dumps({"status": response.status_code, **dict(response.headers)}))
"""


def production_request(tmp_path, url, scheme="https"):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="renovation_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUEST, url, scheme],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# ------------------------------------------------------------------------------
# check --deploy
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
            "DATABASE_REPLICA_URL": "postgres://portal@127.0.0.1:5433/portal",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "ADMIN_URL": "staff-desk/",
        },
        {
            "MEDIA_S3_BUCKET": "portal-media",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net",
            "MEDIA_S3_CUSTOM_DOMAIN": "portal.example.org/media",
            "STAFF_OTP_REQUIRED": "1",
        },
    ],
    ids=["sqlite", "postgresql-replica-redis", "s3-media-staff-otp"],
)
def test_check_deploy_reports_nothing_under_production_settings(tmp_path, extra):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_production_cookies_are_not_secure(tmp_path):
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy',"
        " '--fail-level', 'WARNING'])",
        production_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="renovation_portal.settings",
            SESSION_COOKIE_SECURE="0",
        ),
    )

    assert result.returncode != 0
    assert "security.W012" in result.stderr


# ------------------------------------------------------------------------------
# Headers under production settings (a subprocess with DEBUG=0)
# ------------------------------------------------------------------------------
def test_production_sends_hsts_of_at_least_a_year_over_https(tmp_path):
    headers = production_request(tmp_path, "/healthz")

    assert headers["status"] == HTTPStatus.OK
    hsts = headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts


def test_production_sends_every_security_header(tmp_path):
    headers = production_request(tmp_path, "/healthz")

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_production_redirects_plain_http_to_https(tmp_path):
    headers = production_request(tmp_path, "/en/", scheme="http")

    assert headers["status"] == HTTPStatus.MOVED_PERMANENTLY
    assert headers["Location"] == f"https://{PRODUCTION_HOST}/en/"


def test_production_answers_the_health_probe_over_plain_http(tmp_path):
    headers = production_request(tmp_path, "/healthz", scheme="http")

    assert headers["status"] == HTTPStatus.OK


def test_production_cookies_are_secure(tmp_path):
    result = run_python(
        "import renovation_portal.settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.LANGUAGE_COOKIE_SECURE)",
        production_env(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


# ------------------------------------------------------------------------------
# Content Security Policy and the other headers on every response
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("url", PAGES)
def test_every_response_has_a_content_security_policy(client, url):
    directives = policy(client.get(url))

    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.parametrize("url", PAGES)
def test_scripts_are_never_allowed_inline_or_through_eval(client, url):
    scripts = policy(client.get(url))["script-src"]

    assert "'self'" in scripts
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert all(s == "'self'" or s.startswith("'nonce-") for s in scripts)


@pytest.mark.parametrize("url", PAGES)
def test_every_response_has_nosniff_referrer_and_permissions_policies(client, url):
    response = client.get(url)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == (
        "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), "
        "magnetometer=(), microphone=(), payment=(), usb=()"
    )


def test_api_docs_inline_script_carries_the_nonce_of_the_policy(client):
    response = client.get("/api/docs/")

    nonces = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline == [f' nonce="{nonce}"']


def test_api_docs_nonce_changes_with_every_request(client):
    first = policy(client.get("/api/docs/"))["script-src"]
    second = policy(client.get("/api/docs/"))["script-src"]

    assert first != second


def test_api_docs_page_loads_its_styles_from_a_file(client):
    response = client.get("/api/docs/")

    assert "<style" not in response.text
    assert "css/api-docs.css" in response.text


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p)
)
def test_no_template_has_inline_style_or_script_the_policy_would_block(template):
    text = template.read_text()

    assert not re.search(r"\sstyle=", text)
    assert "<style" not in text
    assert not re.search(r"\son[a-z]+=", text)
    assert "javascript:" not in text
    for attributes in re.findall(r"<script([^>]*)>", text):
        assert "src=" in attributes or "nonce=" in attributes


# ------------------------------------------------------------------------------
# Uploaded media: downloads the browser may not sniff and that run nothing.
# Served by a test URLconf, as Django serves media only with DEBUG on.
# ------------------------------------------------------------------------------
def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [path("media/<path:path>", media)]


@pytest.fixture
def uploaded_page(settings, client):
    """The answer to a request for an uploaded HTML file."""
    folder = Path(settings.MEDIA_ROOT) / "photos"
    folder.mkdir(parents=True)
    (folder / "evil.html").write_text("<script>alert(document.cookie)</script>")
    response = client.get("/media/photos/evil.html")
    response.close()
    return response


@pytest.mark.urls(__name__)
def test_uploaded_media_is_sent_as_an_attachment(uploaded_page):
    response = uploaded_page

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="evil.html"'


@pytest.mark.urls(__name__)
def test_uploaded_media_may_not_be_sniffed(uploaded_page):
    response = uploaded_page

    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.urls(__name__)
def test_uploaded_media_runs_nothing_even_when_opened(uploaded_page):
    response = uploaded_page

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_site_pages_are_not_sent_as_attachments(client):
    response = client.get("/en/")

    assert "Content-Disposition" not in response


# ------------------------------------------------------------------------------
# Cookies and sessions
# ------------------------------------------------------------------------------
def test_csrf_cookie_is_httponly_and_same_site(client):
    response = client.get("/admin/login/")

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_staff_session_cookie_is_httponly_same_site_and_lasts_eight_hours(
    client, superuser
):
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60


# ------------------------------------------------------------------------------
# Login throttling (django-axes)
# ------------------------------------------------------------------------------
def fail_login(client, username="admin", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def test_wrong_password_below_the_limit_shows_the_login_form_again(client, superuser):
    response = fail_login(client)

    assert response.status_code == HTTPStatus.OK
    assert "Too many failed logins" not in response.text


def test_login_is_locked_after_the_failure_limit_with_a_clear_message(
    client, superuser
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fail_login(client)

    response = fail_login(client)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed logins with this user name" in response.text


def test_locked_out_user_cannot_log_in_even_with_the_right_password(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client)

    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_lockout_holds_another_user_name_from_the_same_address_apart(
    client, superuser, django_user_model
):
    django_user_model.objects.create_user(
        username="clerk", password=PASSWORD, is_staff=True
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client)

    response = client.post(
        reverse("admin:login"), {"username": "clerk", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND


def test_forged_x_forwarded_for_does_not_escape_the_lockout(client, superuser):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        fail_login(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")

    response = fail_login(client, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_client_ip_without_proxies_is_the_connection_address(settings):
    settings.NUM_PROXIES = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert client_ip(request) == "192.0.2.1"


def test_client_ip_behind_one_proxy_is_the_address_it_saw(settings):
    settings.NUM_PROXIES = 1
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )

    assert client_ip(request) == "198.51.100.7"


def test_client_ip_behind_two_proxies_skips_the_inner_one(settings):
    settings.NUM_PROXIES = 2
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7, 10.0.0.1",
    )

    assert client_ip(request) == "198.51.100.7"


def test_client_ip_behind_a_proxy_without_the_header_is_the_connection(settings):
    settings.NUM_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")

    assert client_ip(request) == "10.0.0.2"


# ------------------------------------------------------------------------------
# The admin's address (ADMIN_URL)
# ------------------------------------------------------------------------------
def reload_urlconf():
    clear_url_caches()
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))


@pytest.fixture
def admin_at_staff_desk():
    with override_settings(ADMIN_URL="staff-desk/"):
        reload_urlconf()
        yield
    reload_urlconf()


def test_admin_answers_at_the_configured_admin_url(client, admin_at_staff_desk):
    response = client.get("/staff-desk/login/")

    assert response.status_code == HTTPStatus.OK
    assert reverse("admin:index") == "/staff-desk/"


def test_default_admin_url_is_gone_when_moved(client, admin_at_staff_desk):
    response = client.get("/admin/login/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_admin_url_defaults_to_admin(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ADMIN_URL"}
    result = run_python(
        "import renovation_portal.settings as s; print(s.ADMIN_URL)", env
    )

    assert result.stdout.strip() == "admin/"


def test_admin_url_from_the_environment_gets_one_trailing_slash():
    env = {**os.environ, "ADMIN_URL": "/staff-desk"}
    result = run_python(
        "import renovation_portal.settings as s; print(s.ADMIN_URL)", env
    )

    assert result.stdout.strip() == "staff-desk/"


def test_robots_txt_lets_crawlers_index_the_pages_without_naming_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "User-agent: *" in response.text
    assert "Disallow: /\n" not in response.text
    assert "admin" not in response.text
