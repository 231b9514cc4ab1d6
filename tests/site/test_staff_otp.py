"""Staff two-factor (issue 8, item 2): a code at login for staff with an
authenticator app, setting one up from the admin, and STAFF_OTP_REQUIRED."""

from base64 import b32decode
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "not-a-real-password-1"


def code_for(device, steps=0) -> str:
    """The code an authenticator app shows for ``device`` now (or ``steps``
    time steps away), computed with django-otp's own TOTP."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps,
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    """A well-formed code valid neither now nor in the steps either side (the
    tolerance), even if the clock moves on by a step meanwhile."""
    valid = {code_for(device, steps) for steps in (-1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@pytest.fixture
def device(superuser):
    return TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)


def log_in(client, token=None, username="admin"):
    # "next" as the login page's hidden field gives it.
    data = {"username": username, "password": PASSWORD, "next": reverse("admin:index")}
    if token is not None:
        data["otp_token"] = token
    return client.post(reverse("admin:login"), data, HTTP_ACCEPT_LANGUAGE="en")


def logged_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == HTTPStatus.OK


# ------------------------------------------------------------------------------
# Login
# ------------------------------------------------------------------------------
def test_staff_without_a_device_logs_in_with_the_password_alone(client, superuser):
    response = log_in(client)

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client)


def test_login_form_offers_a_verification_code_field(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en")

    assert 'name="otp_token"' in response.text
    assert 'autocomplete="one-time-code"' in response.text
    assert "Verification code" in response.text


def test_login_without_the_code_is_refused_when_a_device_exists(client, device):
    response = log_in(client)

    assert response.status_code == HTTPStatus.OK
    assert "enter the six-digit code" in response.text
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not logged_in(client)


def test_login_with_a_wrong_code_is_refused(client, device):
    response = log_in(client, wrong_code(device))

    assert response.status_code == HTTPStatus.OK
    assert "The verification code is wrong or has expired" in response.text
    assert not logged_in(client)


def test_login_with_the_right_code_is_accepted_and_the_session_verified(client, device):
    response = log_in(client, code_for(device))

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client)
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_code_may_be_typed_with_spaces(client, device):
    code = code_for(device)

    response = log_in(client, f"{code[:3]} {code[3:]}")

    assert response.status_code == HTTPStatus.FOUND


def test_a_code_cannot_be_used_twice(client, device):
    code = code_for(device)
    log_in(client, code)
    client.logout()

    response = log_in(client, code)

    assert response.status_code == HTTPStatus.OK
    assert not logged_in(client)


def test_right_code_with_a_wrong_password_is_refused(client, device):
    response = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": "wrong", "otp_token": code_for(device)},
    )

    assert response.status_code == HTTPStatus.OK
    assert not logged_in(client)


def test_wrong_codes_count_towards_the_login_lockout(client, device):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "000000")

    response = log_in(client, "000000")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed logins with this user name" in response.text


def test_missing_codes_count_towards_the_login_lockout(client, device):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client)

    response = log_in(client, code_for(device))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not logged_in(client)


def test_wrong_passwords_still_count_towards_the_lockout_with_a_device(client, device):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})

    response = log_in(client, code_for(device))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_an_unverified_session_of_a_staff_member_with_a_device_is_sent_to_login(
    client, device, superuser
):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_login_page_is_bilingual_with_the_code_field(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert 'id="language-switch"' in response.text
    assert 'name="otp_token"' in response.text


# ------------------------------------------------------------------------------
# Setting up a device
# ------------------------------------------------------------------------------
def setup_page(client):
    return client.get(reverse("admin:otp_setup"), HTTP_ACCEPT_LANGUAGE="en")


def test_admin_links_the_setup_page(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert reverse("admin:otp_setup") in response.text


def test_setup_page_shows_the_secret_and_the_otpauth_address_as_text(admin_client):
    response = setup_page(admin_client)

    assert response.status_code == HTTPStatus.OK
    device = TOTPDevice.objects.get(user__username="admin")
    assert not device.confirmed
    secret = response.context["secret"]
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert secret in response.text
    uri = urlsplit(response.context["otpauth_uri"])
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [secret.replace(" ", "")]
    assert "<img" not in response.text


def test_setup_page_keeps_the_same_secret_until_it_is_confirmed(admin_client):
    first = setup_page(admin_client).context["secret"]
    second = setup_page(admin_client).context["secret"]

    assert first == second
    assert TOTPDevice.objects.count() == 1


def test_setup_confirms_the_device_with_its_first_code(admin_client):
    setup_page(admin_client)
    device = TOTPDevice.objects.get()

    response = admin_client.post(
        reverse("admin:otp_setup"), {"otp_token": code_for(device)}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert admin_client.session["otp_device_id"] == device.persistent_id
    assert logged_in(admin_client)


def test_setup_refuses_a_wrong_first_code(admin_client):
    setup_page(admin_client)
    device = TOTPDevice.objects.get()

    response = admin_client.post(
        reverse("admin:otp_setup"),
        {"otp_token": wrong_code(device)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.OK
    assert "The verification code is wrong or has expired" in response.text
    device.refresh_from_db()
    assert not device.confirmed


def test_after_setup_login_asks_for_the_code(admin_client):
    setup_page(admin_client)
    device = TOTPDevice.objects.get()
    admin_client.post(reverse("admin:otp_setup"), {"otp_token": code_for(device)})
    other_browser = Client()

    response = log_in(other_browser)

    assert response.status_code == HTTPStatus.OK
    assert not logged_in(other_browser)


def test_setup_page_needs_a_staff_login(client):
    response = client.get(reverse("admin:otp_setup"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.exists()


def test_a_new_device_replaces_the_old_one(client, device):
    log_in(client, code_for(device))
    setup_page(client)
    new = TOTPDevice.objects.get(confirmed=False)

    client.post(
        reverse("admin:otp_setup"),
        {"otp_token": code_for(new)},
    )

    assert list(TOTPDevice.objects.values_list("pk", "confirmed")) == [(new.pk, True)]


# ------------------------------------------------------------------------------
# STAFF_OTP_REQUIRED
# ------------------------------------------------------------------------------
@pytest.fixture
def required(settings):
    settings.STAFF_OTP_REQUIRED = True


@pytest.mark.parametrize(
    "name", ["admin:index", "admin:password_change", "admin:auth_user_changelist"]
)
def test_required_mode_sends_staff_without_a_device_to_the_setup_page(
    required, admin_client, name
):
    response = admin_client.get(reverse(name))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:otp_setup")


def test_required_mode_redirects_to_setup_right_after_login(
    required, client, superuser
):
    response = log_in(client)
    followed = client.get(response["Location"])

    assert followed.status_code == HTTPStatus.FOUND
    assert followed["Location"] == reverse("admin:otp_setup")


def test_required_mode_shows_the_setup_page_without_the_admin_menu(
    required, admin_client
):
    response = setup_page(admin_client)

    assert response.status_code == HTTPStatus.OK
    assert "Every staff account must use two-factor authentication" in response.text
    assert reverse("admin:auth_user_changelist") not in response.text


def test_required_mode_still_lets_staff_log_out(required, admin_client):
    response = admin_client.post(reverse("admin:logout"))

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in admin_client.session


def test_required_mode_opens_the_admin_once_the_device_is_confirmed(
    required, admin_client
):
    setup_page(admin_client)
    device = TOTPDevice.objects.get()
    admin_client.post(reverse("admin:otp_setup"), {"otp_token": code_for(device)})

    assert logged_in(admin_client)


def test_optional_mode_lets_staff_without_a_device_in(admin_client):
    assert logged_in(admin_client)


# ------------------------------------------------------------------------------
# Administrators manage devices (a lost phone)
# ------------------------------------------------------------------------------
def test_administrators_see_the_device_list(admin_client):
    response = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))

    assert response.status_code == HTTPStatus.OK


def test_devices_are_set_up_on_the_two_factor_page_not_added_in_the_admin(
    admin_client,
):
    response = admin_client.get(reverse("admin:otp_totp_totpdevice_add"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_devices_page_never_shows_its_secret(client, device):
    log_in(client, code_for(device))

    response = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert response.status_code == HTTPStatus.OK
    assert device.key not in response.text
