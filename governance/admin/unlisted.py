"""Feedback about a compound the register does not hold: a clerk creates the
compound from it in one step, and the feedback then points at it (issue 16,
item 1). The page behind ``<admin>/governance/feedback/<id>/create-compound/``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from estates.models import Community, Estate
from governance import services
from renovation_portal.access import scoped

ADD_ESTATE = "estates.add_estate"


class CompoundFromFeedbackForm(forms.ModelForm):
    """The fields a compound needs to exist; the rest is entered on its own
    page afterwards. Prefilled with what the resident gave."""

    class Meta:
        model = Estate
        fields = ["name_zh_hans", "name_en", "aliases", "community", "address_zh_hans"]
        labels = {
            "name_zh_hans": _("name in Chinese"),
            "name_en": _("name in English (optional)"),
            "address_zh_hans": _("address in Chinese"),
        }

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        # The feedback's subdistrict, as far as the clerk's area reaches:
        # a short list (one subdistrict's communities).
        self.fields["community"].queryset = communities
        self.fields["community"].help_text = _(
            "The communities of the subdistrict the resident chose."
        )


def may_create_compound(request, feedback) -> bool:
    return (
        feedback.estate_id is None
        and feedback.subdistrict_id is not None
        and request.user.has_perm(ADD_ESTATE)
    )


def create_compound_view(model_admin, request, object_id):
    feedback = model_admin.get_object(request, object_id)
    if feedback is None:
        raise Http404(gettext("No such feedback."))
    if not model_admin.has_change_permission(request, feedback):
        raise PermissionDenied
    change_url = reverse("admin:governance_feedback_change", args=[feedback.pk])
    if feedback.estate_id is not None:
        model_admin.message_user(
            request,
            gettext("This feedback is already about a compound of the register."),
            messages.WARNING,
        )
        return HttpResponseRedirect(change_url)
    if not may_create_compound(request, feedback):
        raise PermissionDenied
    communities = scoped(
        Community.objects.filter(subdistrict=feedback.subdistrict_id), request.user
    ).order_by("name_zh_hans", "pk")
    initial = {
        "name_zh_hans": feedback.unlisted_name,
        "address_zh_hans": feedback.unlisted_address,
    }
    form = CompoundFromFeedbackForm(
        request.POST or None, initial=initial, communities=communities
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            estate = form.save()
            linked = services.feedback_link_estate(feedback=feedback, estate=estate)
            if not linked:
                # Another clerk linked it meanwhile: create nothing.
                transaction.set_rollback(True)
        if not linked:
            model_admin.message_user(
                request,
                gettext(
                    "Another member of staff has linked this feedback to a compound "
                    "meanwhile; nothing was created."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        model_admin.message_user(
            request,
            gettext(
                "Created the compound “%(estate)s” and linked feedback %(reference)s "
                "to it. Add its other details here."
            )
            % {"estate": estate, "reference": feedback.reference},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:estates_estate_change", args=[estate.pk])
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Create the compound of feedback %(reference)s")
        % {"reference": feedback.reference},
        "opts": model_admin.opts,
        "original": feedback,
        "form": form,
        "no_community": not communities.exists(),
    }
    return TemplateResponse(
        request, "admin/governance/feedback/create_compound.html", context
    )
