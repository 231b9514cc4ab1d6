"""The governance page: councils, meetings, organisations, awards, mediation."""

from __future__ import annotations

import functools
import logging
import re
import secrets
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView

from estates.models import District, Estate, Subdistrict
from estates.selectors.programmes import (
    programme_area_q,
    programme_choice,
    programme_from_request,
)
from estates.selectors.search import MAX_QUERY_LENGTH
from renovation_portal import page_cache, ratelimit
from renovation_portal.pagination import CappedPaginator

from . import selectors, services
from .forms import FeedbackForm, SurveyForm
from .models import CouncilLevel, MediationStatus
from .models.participation import UNLISTED_NAME_MAX_LENGTH

logger = logging.getLogger(__name__)
SLUG = re.compile(r"[-\w]{1,200}")


COUNCILS_PER_PAGE = 20
# Organisations, volunteer teams, awards and practices of one programme's area
# shown at most: a few per community, but never the whole country's.
GOVERNANCE_LIST_LIMIT = 50


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


def _tallies(counts: dict[str, int], choices) -> list[Tally]:
    return [Tally(key, label, counts.get(key, 0)) for key, label in choices]


class GovernanceView(TemplateView):
    """How residents take part, as totals (the country's, or a programme's
    area's); the councils a page at a time, and the organisations, awards and
    practices, only for a programme's area (``?programme=<slug>``). Without one
    the page offers programmes to choose from: it never lists the country
    (issue 17, item 4)."""

    template_name = "governance/governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = programme_from_request(self.request)
        if programme is None:
            # Counting a national register's meetings reads a large index:
            # once per change of the data, like the home page's counts.
            totals = page_cache.per_generation(
                "governance-totals", selectors.governance_totals
            )
            context["choice"] = programme_choice(self.request)
        else:
            area = functools.partial(programme_area_q, programme)
            totals = selectors.area_counts(area=area)
            council_total = sum(totals["councils"].values())
            paginator = CappedPaginator(
                selectors.councils_in_order(area=area), COUNCILS_PER_PAGE
            )
            # Counted already, by level.
            paginator.count = min(council_total, paginator.limit + 1)
            page = paginator.get_page(self.request.GET.get("page"))
            councils = list(page.object_list)
            limit = GOVERNANCE_LIST_LIMIT
            groups, teams, more = selectors.organisations_split(area=area, limit=limit)
            awards = list(selectors.award_list(area=area).order_by("pk")[: limit + 1])
            practices = list(selectors.practice_list(area=area)[: limit + 1])
            more.update(awards=len(awards) > limit, practices=len(practices) > limit)
            context.update(
                page_obj=page,
                council_levels=[
                    selectors.Group(level, label, items)
                    for level, label in CouncilLevel.choices
                    if (items := [c for c in councils if c.level == level])
                    # A level with none in the area says so, on the first page.
                    or (page.number == 1 and not totals["councils"].get(level))
                ],
                organisation_groups=groups,
                volunteer_teams=teams,
                awards=awards[:limit],
                practice_groups=selectors.practices_grouped(practices[:limit]),
                more=more,
                list_limit=limit,
            )
        mediation = _tallies(totals["mediation"], MediationStatus.choices)
        context.update(
            programme=programme,
            totals=totals,
            council_tallies=_tallies(totals["councils"], CouncilLevel.choices),
            council_total=sum(totals["councils"].values()),
            meeting_counts=totals["meetings"],
            mediation_counts=mediation,
            mediation_total=sum(tally.count for tally in mediation),
        )
        return context


# ------------------------------------------------------------------------------
# Resident feedback (issue 5): the form, following it by its reference.
# ------------------------------------------------------------------------------
RATE_LIMITED = _(
    "Too many submissions from your connection. Please wait %(minutes)s minutes "
    "and try again, or call the subdistrict office."
)
NOT_SAVED = _(
    "Your feedback could not be saved just now; nothing was stored. Please try "
    "again in a moment. If you chose photos, choose them again."
)
REFUSED = _("This submission could not be accepted.")


def feedback_rate_limit(request) -> ratelimit.Verdict:
    """One count per submission attempt, shared by the form and the API."""
    return ratelimit.hit(
        "feedback",
        request,
        limit=settings.FEEDBACK_RATE_LIMIT,
        window=settings.FEEDBACK_RATE_WINDOW,
    )


@dataclass
class FeedbackTarget:
    """What the form's earlier steps chose: a compound of the register, or a
    subdistrict for one that is not listed (``?unlisted=1``)."""

    estate: Estate | None = None
    unlisted: bool = False
    subdistrict: Subdistrict | None = None

    @classmethod
    def from_data(cls, data) -> FeedbackTarget:
        target = cls(unlisted=data.get("unlisted") in ("1", "True", "true", "on"))
        slug = data.get("estate", "")
        # Only what could be a slug reaches the database (PostgreSQL refuses a
        # NUL in a query; the form then says what is wrong with the value).
        if not target.unlisted and isinstance(slug, str) and SLUG.fullmatch(slug):
            target.estate = (
                Estate.objects.select_related("community__subdistrict")
                .filter(slug=slug)
                .first()
            )
        pk = data.get("subdistrict", "")
        if target.unlisted and isinstance(pk, str) and pk.isdigit() and len(pk) < 10:
            target.subdistrict = (
                Subdistrict.objects.select_related("district__city")
                .filter(pk=int(pk))
                .first()
            )
        return target

    @property
    def chosen(self) -> bool:
        return self.estate is not None or self.subdistrict is not None

    def initial(self, data) -> dict:
        if self.estate is not None:
            return {"estate": self.estate.slug}
        name = data.get("name", "")
        return {
            "unlisted": True,
            "subdistrict": self.subdistrict.pk,
            "unlisted_name": name[:UNLISTED_NAME_MAX_LENGTH]
            if isinstance(name, str)
            else "",
        }


def _typed(request, name: str) -> str:
    """What a resident typed into a search box, as one line of printable text."""
    value = request.GET.get(name, "")
    if not isinstance(value, str):
        return ""
    printable = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def _district(request) -> District | None:
    """``?district=<pk>``: a district-level programme's link narrows the
    subdistricts offered to its own."""
    pk = request.GET.get("district", "")
    if not (isinstance(pk, str) and pk.isdigit() and len(pk) < 10):
        return None
    return District.objects.select_related("city").filter(pk=int(pk)).first()


def _form_page(request, form, target, *, status=HTTPStatus.OK, error=""):
    context = {"form": form, "error": error, "target": target, "step": "form"}
    if not target.chosen and request.method == "GET":
        if target.unlisted:
            query = _typed(request, "place")
            district = _district(request)
            matches, more = selectors.feedback_subdistrict_matches(
                query, district=district
            )
            context.update(
                step="place", query=query, matches=matches, more=more, district=district
            )
        else:
            query = _typed(request, "q")
            context.update(
                step="compound",
                query=query,
                matches=selectors.feedback_compound_matches(query),
            )
    return render(request, "feedback/feedback_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("name", "phone")
def feedback_new(request):
    """Three steps, each a page that works without JavaScript: find the
    compound by name (or say it is not listed, then find its subdistrict),
    then the feedback itself."""
    if request.method == "GET":
        target = FeedbackTarget.from_data(request.GET)
        form = FeedbackForm(
            initial=target.initial(request.GET) if target.chosen else {}
        )
        return _form_page(request, form, target)

    target = FeedbackTarget.from_data(request.POST)
    form = FeedbackForm(request.POST, request.FILES)
    verdict = feedback_rate_limit(request)
    if not verdict.allowed:
        response = _form_page(
            request,
            form,
            target,
            status=HTTPStatus.TOO_MANY_REQUESTS,
            error=RATE_LIMITED % {"minutes": max(1, -(-verdict.retry_after // 60))},
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_spam:
        return _form_page(
            request,
            FeedbackForm(),
            target,
            status=HTTPStatus.BAD_REQUEST,
            error=REFUSED,
        )
    if not form.is_valid():
        return _form_page(request, form, target, status=HTTPStatus.BAD_REQUEST)
    data = form.cleaned_data
    unlisted = None
    if data["subdistrict"] is not None:
        unlisted = services.UnlistedCompound(
            name=data["unlisted_name"],
            address=data["unlisted_address"],
            subdistrict=data["subdistrict"],
        )
    try:
        feedback = services.feedback_submit(
            estate=data["estate"],
            unlisted=unlisted,
            category=data["category"],
            text=data["text"],
            contact=form.contact(),
            clean_photos=data["photos"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, form, target, status=HTTPStatus.BAD_REQUEST)
    except DatabaseError:
        logger.exception("Feedback could not be stored")
        return _form_page(
            request,
            form,
            target,
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            error=NOT_SAVED,
        )
    return redirect(f"{feedback.get_absolute_url()}?sent=1")


@require_GET
def feedback_detail(request, reference: str):
    feedback = selectors.feedback_public(reference)
    if feedback is None:
        return render(
            request,
            "feedback/feedback_not_found.html",
            {"reference": reference[:20]},
            status=HTTPStatus.NOT_FOUND,
        )
    if feedback.reference != reference:
        return redirect(feedback.get_absolute_url())
    return render(
        request,
        "feedback/feedback_detail.html",
        {"feedback": feedback, "sent": request.GET.get("sent") == "1"},
    )


@require_GET
def feedback_find(request):
    """The look-up form's target: ``?reference=…`` as typed."""
    typed = request.GET.get("reference", "")
    feedback = selectors.feedback_public(typed)
    if feedback is None:
        return render(
            request,
            "feedback/feedback_not_found.html",
            {"reference": typed[:20]},
            status=HTTPStatus.NOT_FOUND,
        )
    return redirect(feedback.get_absolute_url())


# ------------------------------------------------------------------------------
# Satisfaction surveys (issue 5, item 4): one answer per device.
# ------------------------------------------------------------------------------
# A long-lived random id in a signed, HttpOnly, SameSite=Lax cookie names the
# device; the database keeps only a per-survey HMAC of it (services). Clearing
# cookies lets a device answer again: the per-address rate limit bounds that.
DEVICE_COOKIE = "survey_device"
DEVICE_COOKIE_SALT = "governance.survey.device-cookie"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 60 * 60
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")

SURVEY_RATE_LIMITED = _(
    "Too many answers from your connection. Please wait %(minutes)s minutes and "
    "try again."
)
SURVEY_NO_DEVICE = _(
    "Your browser did not send back the survey's cookie, so this answer was not "
    "stored. Please allow cookies for this site and send the form again."
)
SURVEY_BAD_DEVICE = _(
    "This device's survey cookie was not recognised, so this answer was not "
    "stored. Please send the form again."
)
SURVEY_NOT_SAVED = _(
    "Your answer could not be saved just now; nothing was stored. Please try "
    "again in a moment."
)


def survey_device_id(request) -> tuple[str | None, str]:
    """The device id from the signed cookie, and "ok", "missing" or "tampered"."""
    if DEVICE_COOKIE not in request.COOKIES:
        return None, "missing"
    try:
        value = request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_COOKIE_SALT)
    except BadSignature:
        return None, "tampered"
    if not _DEVICE_ID.match(value):
        return None, "tampered"
    return value, "ok"


def _give_device_id(response, device_id: str | None = None):
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device_id or secrets.token_hex(16),
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def survey_rate_limit(request) -> ratelimit.Verdict:
    return ratelimit.hit(
        "survey",
        request,
        limit=settings.SURVEY_RATE_LIMIT,
        window=settings.SURVEY_RATE_WINDOW,
    )


def _survey_page(request, survey, form, *, status=HTTPStatus.OK, error=""):
    return render(
        request,
        "governance/survey_form.html",
        {
            "survey": survey,
            "estate": survey.estate,
            "form": form,
            "error": error,
            "answered": False,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("comment")
# The answer carries this device's own cookie: no shared cache may keep it.
@never_cache
def survey_answer(request, slug: str):
    survey = selectors.survey_open_for_estate(slug=slug)
    if survey is None:
        return render(
            request,
            "governance/survey_closed.html",
            {"slug": slug},
            status=HTTPStatus.NOT_FOUND,
        )
    device_id, device_state = survey_device_id(request)

    if request.method == "GET":
        if device_id and selectors.survey_answered(
            survey=survey,
            device_key=services.survey_device_key(survey=survey, device_id=device_id),
        ):
            return render(
                request,
                "governance/survey_form.html",
                {"survey": survey, "estate": survey.estate, "answered": True},
            )
        response = _survey_page(request, survey, SurveyForm())
        return response if device_id else _give_device_id(response)

    form = SurveyForm(request.POST)
    verdict = survey_rate_limit(request)
    if not verdict.allowed:
        response = _survey_page(
            request,
            survey,
            form,
            status=HTTPStatus.TOO_MANY_REQUESTS,
            error=SURVEY_RATE_LIMITED
            % {"minutes": max(1, -(-verdict.retry_after // 60))},
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_spam:
        return _survey_page(
            request, survey, SurveyForm(), status=HTTPStatus.BAD_REQUEST, error=REFUSED
        )
    if device_id is None:
        # Answered with a fresh id, a device without the cookie could answer
        # without end; it gets one now and sends the form again.
        form.is_valid()
        error = SURVEY_NO_DEVICE if device_state == "missing" else SURVEY_BAD_DEVICE
        return _give_device_id(
            _survey_page(
                request, survey, form, status=HTTPStatus.BAD_REQUEST, error=error
            )
        )
    if not form.is_valid():
        return _survey_page(request, survey, form, status=HTTPStatus.BAD_REQUEST)
    try:
        services.survey_response_submit(
            survey=survey,
            device_id=device_id,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        if error.code == "already_answered":
            return render(
                request,
                "governance/survey_form.html",
                {"survey": survey, "estate": survey.estate, "answered": True},
                status=HTTPStatus.CONFLICT,
            )
        form.add_error(None, error)
        return _survey_page(request, survey, form, status=HTTPStatus.BAD_REQUEST)
    except DatabaseError:
        logger.exception("A survey answer could not be stored")
        return _survey_page(
            request,
            survey,
            form,
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            error=SURVEY_NOT_SAVED,
        )
    return redirect("governance:survey-thanks", slug=survey.estate.slug)


@require_GET
def survey_thanks(request, slug: str):
    estate = get_object_or_404(Estate.objects.only("pk", "slug"), slug=slug)
    return render(request, "governance/survey_thanks.html", {"estate": estate})
