"""Follow a compound or a programme, confirm, stop (issue 18)."""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from estates.models import Estate, Programme
from renovation_portal import ratelimit

from .calendar import compound_calendar
from .forms import CodeForm, FollowForm, SettingsForm
from .models import Channel, Follow, Happening, StaffWatch
from .services import (
    follow_change,
    follow_confirm,
    follow_request,
    follow_stop,
    follows_stop_all,
)
from .staff import watch_stop

TICKET_SALT = "follows.code"
TOO_MANY = _(
    "Too many requests to follow from your connection or for this contact. "
    "Please try again tomorrow."
)


def _limited(request, channel: str, contact: str) -> bool:
    """Count this request; True when one of the limits is passed."""
    verdicts = [
        ratelimit.hit(
            "follow", request, limit=settings.FOLLOW_PER_ADDRESS_HOUR, window=3600
        ),
        ratelimit.hit_subject(
            "follow-contact",
            f"{channel}:{contact}",
            limit=settings.FOLLOW_PER_CONTACT_DAY,
            window=86400,
        ),
    ]
    if channel == Channel.SMS:
        # Text messages cost money: a ceiling for the whole site.
        verdicts.append(
            ratelimit.hit_subject(
                "follow-sms", "site", limit=settings.FOLLOW_SMS_PER_DAY, window=86400
            )
        )
    return not all(verdict.allowed for verdict in verdicts)


def _follow(request, *, estate=None, programme=None):
    target = estate or programme
    status = HTTPStatus.OK
    if request.method == "POST":
        form = FollowForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _limited(request, data["channel"], data["contact"]):
                form.add_error(None, TOO_MANY)
                status = HTTPStatus.TOO_MANY_REQUESTS
            else:
                follow = follow_request(
                    estate=estate,
                    programme=programme,
                    channel=data["channel"],
                    contact=data["contact"],
                    building=data["building"],
                    language=get_language(),
                    mode=data["mode"],
                )
                # The same answer whether or not this contact follows already.
                if data["channel"] == Channel.EMAIL:
                    return redirect("follows:sent")
                ticket = signing.dumps(follow.pk, salt=TICKET_SALT)
                return redirect("follows:code", ticket=ticket)
        else:
            status = HTTPStatus.BAD_REQUEST
    else:
        form = FollowForm()
    return render(
        request,
        "follows/follow_form.html",
        {"target": target, "estate": estate, "programme": programme, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def follow_estate(request, slug):
    estate = get_object_or_404(Estate.objects.select_related("community"), slug=slug)
    return _follow(request, estate=estate)


@require_http_methods(["GET", "POST"])
def follow_programme(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    return _follow(request, programme=programme)


def sent(request):
    return render(request, "follows/follow_sent.html")


@require_http_methods(["GET", "POST"])
def enter_code(request, ticket):
    try:
        pk = signing.loads(
            ticket, salt=TICKET_SALT, max_age=settings.FOLLOW_CODE_MINUTES * 60
        )
    except signing.BadSignature:
        return render(
            request, "follows/follow_expired.html", status=HTTPStatus.NOT_FOUND
        )
    follow = Follow.objects.filter(pk=pk).first()
    form = CodeForm(request.POST or None)
    status = HTTPStatus.OK
    if request.method == "POST" and form.is_valid():
        try:
            if follow is None:
                raise ValidationError(gettext("That code is not valid."))
            follow = follow_confirm(follow=follow, secret=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            status = HTTPStatus.BAD_REQUEST
        else:
            return redirect(
                reverse("follows:manage", kwargs={"token": follow.token})
                + "?confirmed=1"
            )
    elif request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
    return render(request, "follows/follow_code.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    follow = Follow.objects.filter(token=token).first()
    secret = request.POST.get("secret") or request.GET.get("secret", "")
    if follow is None:
        return render(
            request, "follows/follow_expired.html", status=HTTPStatus.NOT_FOUND
        )
    error = None
    if request.method == "POST":
        try:
            follow = follow_confirm(follow=follow, secret=secret)
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            return redirect(
                reverse("follows:manage", kwargs={"token": follow.token})
                + "?confirmed=1"
            )
    return render(
        request,
        "follows/follow_confirm.html",
        {"follow": follow, "secret": secret, "error": error},
        status=HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK,
    )


# The token in the address is the secret: no CSRF token is needed, and a mail
# program's one-click unsubscribe (RFC 8058) posts without one.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage(request, token):
    follow = (
        Follow.objects.filter(token=token).select_related("estate", "programme").first()
    )
    if follow is None:
        watch = StaffWatch.objects.filter(token=token).first()
        if watch is not None:
            return _manage_staff_watch(request, watch)
        if request.method == "POST":
            # Stopped already: nothing is left to stop.
            return render(request, "follows/follow_stopped.html")
        raise Http404
    with_building = follow.estate_id is not None
    form = SettingsForm(
        initial={
            "mode": follow.mode,
            "building": follow.building,
            "language": follow.language,
        },
        with_building=with_building,
    )
    status = HTTPStatus.OK
    saved = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if request.POST.get("List-Unsubscribe") == "One-Click" or action == "stop":
            follow_stop(follow=follow)
            return render(request, "follows/follow_stopped.html", {"what": follow})
        if action == "stop-all":
            follows_stop_all(follow=follow)
            return render(request, "follows/follow_stopped.html", {"all": True})
        if action == "stop-other":
            # Only another follow of the same contact: the token proves that.
            other_pk = request.POST.get("other", "")
            other = (
                _same_contact(follow).exclude(pk=follow.pk).filter(pk=other_pk).first()
                if other_pk.isdigit()
                else None
            )
            if other is None:
                return HttpResponse(status=HTTPStatus.BAD_REQUEST)
            follow_stop(follow=other)
            return redirect(
                reverse("follows:manage", kwargs={"token": follow.token}) + "?stopped=1"
            )
        if action == "settings":
            form = SettingsForm(request.POST, with_building=with_building)
            if form.is_valid():
                follow_change(follow=follow, **form.cleaned_data)
                return redirect(
                    reverse("follows:manage", kwargs={"token": follow.token})
                    + "?saved=1"
                )
            status = HTTPStatus.BAD_REQUEST
        else:
            return HttpResponse(status=HTTPStatus.BAD_REQUEST)
    else:
        saved = request.GET.get("saved") == "1"
    others = (
        _same_contact(follow)
        .exclude(pk=follow.pk)
        .select_related("estate", "programme")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "follows/follow_manage.html",
        {
            "follow": follow,
            "others": others,
            "form": form,
            "saved": saved,
            "stopped": request.GET.get("stopped") == "1",
            "confirmed": request.GET.get("confirmed") == "1",
        },
        status=status,
    )


def _manage_staff_watch(request, watch: StaffWatch):
    """A member of staff's stop link: no login needed, like a resident's."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if request.POST.get("List-Unsubscribe") != "One-Click" and action != "stop":
            return HttpResponse(status=HTTPStatus.BAD_REQUEST)
        watch_stop(watch=watch)
        return render(request, "follows/follow_stopped.html", {"staff": True})
    return render(request, "follows/follow_staff.html", {"watch": watch})


def _same_contact(follow: Follow):
    return Follow.objects.filter(channel=follow.channel, contact=follow.contact)


@require_GET
def estate_calendar(request, slug):
    """One compound's dates as iCalendar (follows/calendar.py)."""
    estate = get_object_or_404(Estate, slug=slug)
    page_url = request.build_absolute_uri(estate.get_absolute_url())
    response = HttpResponse(
        compound_calendar(estate, page_url=page_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{estate.slug}.ics"'
    return response


class EstateFeed(Feed):
    """What happened to one compound, newest first: for those who want no
    contact at all (a feed reader)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Estate, slug=slug)

    def title(self, obj):
        return gettext("What happens to %(name)s") % {"name": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return gettext("New stages and completed works of this compound.")

    def items(self, obj):
        return Happening.objects.filter(estate=obj).order_by("-happened_at", "-id")[:20]

    def item_title(self, item):
        return item.title(get_language())

    def item_description(self, item):
        return item.get_kind_display()

    def item_link(self, item):
        return item.estate.get_absolute_url() + f"#happening-{item.pk}"

    def item_pubdate(self, item):
        return item.happened_at
