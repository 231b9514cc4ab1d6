"""The governance page: councils, meetings, organisations, awards, mediation."""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView

from renovation_portal import ratelimit

from . import selectors, services
from .forms import FeedbackForm

logger = logging.getLogger(__name__)


class GovernanceView(TemplateView):
    template_name = "governance/governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation_groups, volunteer_teams = selectors.organisations_split()
        mediation_counts = selectors.mediation_counts()
        context.update(
            council_levels=selectors.councils_by_level(),
            council_facts=selectors.programme_facts(selectors.COUNCIL_FACT_KEYS),
            meeting_counts=selectors.meeting_counts_by_kind(),
            organisation_groups=organisation_groups,
            volunteer_teams=volunteer_teams,
            awards=selectors.award_list(),
            integrations=selectors.practices_by_integration(),
            mediation_counts=mediation_counts,
            mediation_total=sum(tally.count for tally in mediation_counts),
            mediation_facts=selectors.programme_facts(selectors.MEDIATION_FACT_KEYS),
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


def _form_page(request, form, *, status=HTTPStatus.OK, error=""):
    return render(
        request,
        "feedback/feedback_form.html",
        {"form": form, "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("name", "phone")
def feedback_new(request):
    if request.method == "GET":
        slug = request.GET.get("estate", "")
        initial = {"estate": slug} if isinstance(slug, str) and slug else {}
        return _form_page(request, FeedbackForm(initial=initial))

    form = FeedbackForm(request.POST, request.FILES)
    verdict = feedback_rate_limit(request)
    if not verdict.allowed:
        response = _form_page(
            request,
            form,
            status=HTTPStatus.TOO_MANY_REQUESTS,
            error=RATE_LIMITED % {"minutes": max(1, -(-verdict.retry_after // 60))},
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_spam:
        return _form_page(
            request, FeedbackForm(), status=HTTPStatus.BAD_REQUEST, error=REFUSED
        )
    if not form.is_valid():
        return _form_page(request, form, status=HTTPStatus.BAD_REQUEST)
    try:
        feedback = services.feedback_submit(
            estate=form.cleaned_data["estate"],
            category=form.cleaned_data["category"],
            text=form.cleaned_data["text"],
            contact=form.contact(),
            clean_photos=form.cleaned_data["photos"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, form, status=HTTPStatus.BAD_REQUEST)
    except DatabaseError:
        logger.exception("Feedback could not be stored")
        return _form_page(
            request, form, status=HTTPStatus.SERVICE_UNAVAILABLE, error=NOT_SAVED
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
