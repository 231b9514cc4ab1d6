"""Two-factor login for staff (django-otp, time-based codes). Knows no app.

A staff member who has confirmed an authenticator app (a TOTP device) gives its
six-digit code with the password at every admin login. Any staff member sets one
up on the admin's "Two-factor authentication" page, which shows the secret and
the ``otpauth://`` address as text (no QR image: nothing to add to the page's
dependencies or its Content Security Policy) and turns the device on once the
first code from the app is right. With ``STAFF_OTP_REQUIRED`` a staff member
without a device can reach that page, and logging out, and nothing else.

A missing or wrong code counts as a failed login for django-axes, like a wrong
password, so guessing codes meets the same lockout; django-otp also makes each
device wait longer after each wrong code.

https://django-otp-official.readthedocs.io/en/stable/auth.html
"""

from __future__ import annotations

from base64 import b32encode
from functools import update_wrapper

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_totp.models import TOTPDevice

from renovation_portal import ratelimit

CODE_MISSING = _(
    "Your account uses two-factor authentication: enter the six-digit code "
    "from your authenticator app."
)
CODE_WRONG = _(
    "The verification code is wrong or has expired. Enter the code your "
    "authenticator app shows now."
)
CODE_THROTTLED = _(
    "Too many wrong verification codes. Wait a minute, then enter the code your "
    "authenticator app shows."
)


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Verification code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
            }
        ),
    )


def is_verified(user) -> bool:
    """Did this session give a code? (django-otp's OTPMiddleware tells.)"""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_device(request) -> bool:
    """Has the logged-in user a confirmed authenticator? Asked once a request."""
    if not hasattr(request, "_staff_has_otp_device"):
        request._staff_has_otp_device = request.user.is_authenticated and (
            TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
        )
    return request._staff_has_otp_device


def otp_satisfied(request) -> bool:
    """May this staff session use the admin, as far as two-factor goes?"""
    if is_verified(request.user):
        return True
    return not settings.STAFF_OTP_REQUIRED and not has_device(request)


def needs_setup(request) -> bool:
    """A staff member who must set up an authenticator before anything else."""
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and settings.STAFF_OTP_REQUIRED
        and not is_verified(user)
        and not has_device(request)
    )


ADDRESS_LOCKED = _(
    "Too many failed logins from your network. Logging in from here is paused "
    "for %(minutes)d minutes; please try again then."
)
ADDRESS_FAILURES = "login-failures"


def address_verdict(request, *, count: bool) -> ratelimit.Verdict:
    """The failed logins of ``request``'s address, across user names."""
    limit = ratelimit.hit if count else ratelimit.check
    return limit(
        ADDRESS_FAILURES,
        request,
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window=settings.LOGIN_ADDRESS_FAILURE_WINDOW,
    )


def count_address_failure(sender, credentials, request=None, **kwargs):
    """``user_login_failed``: a wrong password, a wrong code, an axes lockout."""
    if request is not None:
        address_verdict(request, count=True)


def _count_failure(request, username: str) -> None:
    """Tell django-axes (and any other listener) about a failed login."""
    user_login_failed.send(
        sender=__name__, credentials={"username": username}, request=request
    )


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login form with a verification code, asked for only from
    staff who have confirmed an authenticator app."""

    otp_token = code_field()

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["otp_token"].required = False
        self.fields["otp_token"].help_text = _(
            "Only if you have set up two-factor authentication: the six digits "
            "your authenticator app shows."
        )

    def clean(self):
        verdict = address_verdict(self.request, count=False)
        if not verdict.allowed:
            raise ValidationError(
                ADDRESS_LOCKED,
                code="address_locked",
                params={"minutes": max(1, -(-verdict.retry_after // 60))},
            )
        cleaned_data = super().clean()
        user = self.user_cache
        if user is None:
            return cleaned_data
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
        if not devices.exists():
            return cleaned_data
        username = cleaned_data.get("username", "")
        token = "".join(cleaned_data.get("otp_token", "").split())
        if not token:
            _count_failure(self.request, username)
            raise ValidationError(CODE_MISSING, code="otp_missing")
        verified = None
        throttled = True
        with transaction.atomic():
            for device in devices.select_for_update():
                allowed, _details = device.verify_is_allowed()
                if not allowed:
                    continue
                throttled = False
                if device.verify_token(token):
                    verified = device
                    break
        if verified is None:
            _count_failure(self.request, username)
            raise ValidationError(
                CODE_THROTTLED if throttled else CODE_WRONG, code="otp_wrong"
            )
        # django_otp's user_logged_in handler keeps the device in the session:
        # this session is now verified.
        user.otp_device = verified
        return cleaned_data


class OTPSetupForm(forms.Form):
    """The first code from the authenticator app, which confirms the device."""

    otp_token = code_field()

    def __init__(self, device: TOTPDevice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["otp_token"].help_text = _(
            "The six digits your authenticator app shows for this account."
        )

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise ValidationError(CODE_THROTTLED, code="otp_throttled")
        if not self.device.verify_token(token):
            raise ValidationError(CODE_WRONG, code="otp_wrong")
        return token


def grouped(secret: str) -> str:
    """The secret in groups of four letters, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# django-otp names its app "OTP_TOTP" and its model "TOTP device" in plain
# English strings, which no catalogue translates: the portal renames them when
# it starts (renovation_portal.apps; issue 16, item 9).
APP_NAME = _("Two-factor authentication")
DEVICE_NAME = _("authenticator app")
DEVICES_NAME = _("authenticator apps")


class PortalAdminSite(admin.AdminSite):
    """Django's admin site, with staff two-factor (see the module's text)."""

    login_form = StaffLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and otp_satisfied(request)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if needs_setup(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return view(request, *args, **kwargs)
                return HttpResponseRedirect(
                    reverse("admin:otp_setup", current_app=self.name)
                )
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def login(self, request, extra_context=None):
        if request.method == "GET" and needs_setup(request):
            return HttpResponseRedirect(
                reverse("admin:otp_setup", current_app=self.name)
            )
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-factor/", self.otp_setup, name="otp_setup"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_setup(self, request):
        """Set up (or replace) the staff member's authenticator app."""
        user = request.user
        login_url = reverse("admin:login", current_app=self.name)
        if not (user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), login_url)
        if has_device(request) and not is_verified(user):
            # Only a session that gave a code may replace the device.
            return redirect_to_login(request.get_full_path(), login_url)

        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=gettext("Authenticator app"), confirmed=False
            )
        form = OTPSetupForm(device, request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            messages.success(
                request,
                gettext(
                    "Two-factor authentication is on: from now on, logging in asks "
                    "for the code your authenticator app shows."
                ),
            )
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))

        context = {
            **self.each_context(request),
            "title": _("Two-factor authentication"),
            "form": form,
            "secret": grouped(b32encode(device.bin_key).decode()),
            "otpauth_uri": device.config_url,
            "replaces_device": has_device(request),
            "required": settings.STAFF_OTP_REQUIRED,
            # Until the device is confirmed, required mode offers no other page:
            # no sidebar, no application list; the user links (log out) stay.
            "available_apps": [],
            "is_nav_sidebar_enabled": False,
            "has_permission": True,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/otp_setup.html", context)
