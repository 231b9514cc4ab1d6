"""Staff following their scope (issue 18, item 2): told of new feedback about
a compound they work on, and every morning of what is overdue there.

Messages go to the account's e-mail address, in the language the member of
staff chose, through the same outbox and workers as residents' messages; each
ends with a stop link that needs no login (``/follow/stop/<token>/``). They
carry the feedback's reference and its compound, never the resident's name or
number: those stay in the admin, behind a login.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, ngettext

from staff.scopes import is_in_scope

from .models import Channel, Mode, Notification, StaffWatch
from .services import language_url, send_soon


def watchers():
    """Active staff who follow their scope and have an e-mail address."""
    return (
        StaffWatch.objects.filter(
            user__is_active=True, user__is_staff=True, user__email__gt=""
        )
        .select_related("user")
        .order_by("pk")
    )


def feedback_arrived(*, feedback, **_ignored) -> None:
    """Listener of ``feedback.submitted`` (in the resident's transaction): the
    work is done by a worker once it commits, so the form stays as fast."""
    from .tasks import staff_feedback

    transaction.on_commit(lambda: staff_feedback.delay_quietly(feedback.pk))


def _stop_line(watch: StaffWatch) -> str:
    stop = language_url("follows:manage", watch.language, token=watch.token)
    return gettext("To stop these messages, open %(stop)s (no login needed).") % {
        "stop": stop
    }


def _where(feedback) -> str:
    if feedback.estate_id is not None:
        return str(feedback.estate.name)
    return feedback.unlisted_name


def tell_feedback(*, feedback_id: int) -> int:
    """Queue a message about a new feedback for each watcher at once whose
    scope holds it; the number queued. Safe to run twice (keys)."""
    from governance.models import Feedback

    feedback = (
        Feedback.objects.select_related("estate", "subdistrict")
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None:
        return 0
    rows = []
    for watch in watchers().filter(new_feedback=True, mode=Mode.AT_ONCE):
        if not is_in_scope(feedback, watch.user):
            continue
        with translation.override(watch.language):
            values = {
                "reference": feedback.reference,
                "where": _where(feedback),
                "category": feedback.get_category_display(),
            }
            subject = gettext("New feedback %(reference)s: %(where)s") % values
            link = language_url(
                "admin:governance_feedback_change",
                watch.language,
                object_id=feedback.pk,
            )
            body = "\n\n".join(
                [
                    gettext(
                        "A resident left feedback %(reference)s about %(where)s "
                        "(%(category)s)."
                    )
                    % values,
                    gettext("Open it in the admin: %(link)s") % {"link": link},
                    _stop_line(watch),
                ]
            )
        rows.append(
            Notification(
                key=f"staff-feedback:{feedback.pk}:{watch.user_id}",
                channel=Channel.EMAIL,
                address=watch.user.email,
                language=watch.language,
                subject=subject[:200],
                body=body,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        send_soon()
    return len(rows)


@dataclass
class Summary:
    """What one member of staff is told in the morning: counts in their scope,
    and the references of feedback that arrived since the day before."""

    steps_overdue: int = 0
    feedback_waiting: int = 0
    councils_due: int = 0
    waiting_days: int = 0
    new_feedback: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.steps_overdue
            or self.feedback_waiting
            or self.councils_due
            or self.new_feedback
        )


NEW_FEEDBACK_LISTED = 20


def queue_summary(*, watch: StaffWatch, summary: Summary, today) -> bool:
    """Queue one member of staff's morning summary (nothing when there is
    nothing to tell); once per day."""
    if not summary:
        return False
    with translation.override(watch.language):
        lines = []
        if summary.steps_overdue:
            lines.append(
                ngettext(
                    "%(count)d step is past its planned date.",
                    "%(count)d steps are past their planned date.",
                    summary.steps_overdue,
                )
                % {"count": summary.steps_overdue}
            )
        if summary.feedback_waiting:
            lines.append(
                ngettext(
                    "%(count)d feedback has waited more than %(days)d days "
                    "for an answer.",
                    "%(count)d feedback have waited more than %(days)d days "
                    "for an answer.",
                    summary.feedback_waiting,
                )
                % {"count": summary.feedback_waiting, "days": summary.waiting_days}
            )
        if summary.councils_due:
            lines.append(
                ngettext(
                    "%(count)d council's meeting is due.",
                    "%(count)d councils' meetings are due.",
                    summary.councils_due,
                )
                % {"count": summary.councils_due}
            )
        if summary.new_feedback:
            shown = summary.new_feedback[:NEW_FEEDBACK_LISTED]
            more = len(summary.new_feedback) - len(shown)
            text = gettext("New feedback since yesterday: %(references)s") % {
                "references": ", ".join(shown)
            }
            if more:
                text += " " + gettext("and %(count)d more") % {"count": more}
            lines.append(text)
        subject = gettext("Your scope this morning")
        admin_home = language_url("admin:index", watch.language)
        body = "\n\n".join(
            [
                "\n".join(f"- {line}" for line in lines),
                gettext("The staff dashboard: %(link)s") % {"link": admin_home},
                _stop_line(watch),
            ]
        )
    Notification.objects.bulk_create(
        [
            Notification(
                key=f"staff-summary:{today.isoformat()}:{watch.user_id}",
                channel=Channel.EMAIL,
                address=watch.user.email,
                language=watch.language,
                subject=subject,
                body=body,
            )
        ],
        ignore_conflicts=True,
    )
    return True


@transaction.atomic
def watch_stop(*, watch: StaffWatch) -> None:
    StaffWatch.objects.filter(pk=watch.pk).delete()
