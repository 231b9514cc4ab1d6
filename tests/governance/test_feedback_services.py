"""Services of resident feedback: references, transitions, erasing contacts."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from governance import services
from governance.models import (
    Feedback,
    FeedbackContact,
    FeedbackStatus,
    new_reference,
    normalize_reference,
)
from tests.estates.factories import EstateFactory
from tests.governance.factories import FeedbackContactFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


def _submitted(**extra) -> Feedback:
    return services.feedback_submit(
        estate=EstateFactory(), category="greening", text="树枝挡窗", **extra
    )


def test_reference_has_no_ambiguous_characters():
    references = "".join(new_reference() for _ in range(500))

    assert not set(references) & set("01OIL")


def test_reference_is_two_groups_of_four():
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", new_reference())


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("k7mp-4qx9", "K7MP-4QX9"),
        ("K7MP 4QX9", "K7MP-4QX9"),
        ("Ｋ７ＭＰ４ＱＸ９", "K7MP-4QX9"),
        ("K7MP-4QX", ""),
        ("K0MP-4QX9", ""),
    ],
)
def test_reference_as_typed_is_normalised(typed, found):
    assert normalize_reference(typed) == found


def test_references_are_unique():
    FeedbackFactory(reference="AAAA-2222")

    with pytest.raises(ValidationError):
        FeedbackFactory.build(
            reference="AAAA-2222", estate=EstateFactory()
        ).full_clean()


def test_submit_with_contact_needs_consent():
    with pytest.raises(ValidationError):
        _submitted(contact=services.ContactDetails(phone="13812345678"))

    assert Feedback.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["accepted"], True),
        (["accepted", "in_progress", "resolved"], True),
        (["accepted", "resolved"], True),
        (["resolved"], False),
        (["in_progress"], False),
        (["accepted", "received"], False),
    ],
)
def test_status_moves_only_along_allowed_transitions(path, allowed):
    feedback = _submitted()
    *first, last = path
    for status in first:
        services.feedback_change_status(feedback=feedback, status=status)

    if allowed:
        services.feedback_change_status(feedback=feedback, status=last)
        assert Feedback.objects.get().status == last
    else:
        with pytest.raises(ValidationError):
            services.feedback_change_status(feedback=feedback, status=last)


def test_closed_feedback_cannot_move_again():
    feedback = _submitted()
    services.feedback_change_status(
        feedback=feedback, status=FeedbackStatus.DECLINED, reason="重复"
    )

    with pytest.raises(ValidationError):
        services.feedback_change_status(feedback=feedback, status="accepted")


def test_declining_without_a_reason_is_refused():
    feedback = _submitted()

    with pytest.raises(ValidationError):
        services.feedback_change_status(feedback=feedback, status="declined")

    assert Feedback.objects.get().status == FeedbackStatus.RECEIVED


def test_closing_records_when():
    feedback = _submitted()
    services.feedback_change_status(feedback=feedback, status="accepted")

    services.feedback_change_status(feedback=feedback, status="resolved")

    assert Feedback.objects.get().closed_at is not None


def _closed(days_ago: int) -> Feedback:
    contact = FeedbackContactFactory()
    Feedback.objects.filter(pk=contact.feedback_id).update(
        status=FeedbackStatus.RESOLVED,
        closed_at=timezone.now() - timedelta(days=days_ago),
    )
    return contact.feedback


def test_erase_command_erases_contacts_of_feedback_closed_long_ago():
    old = _closed(days_ago=40)

    call_command("erase_feedback_contacts", "--days", "30", stdout=StringIO())

    assert not FeedbackContact.objects.filter(feedback=old).exists()
    assert Feedback.objects.filter(pk=old.pk).exists()


def test_erase_command_keeps_contacts_of_recently_closed_feedback():
    recent = _closed(days_ago=10)

    call_command("erase_feedback_contacts", "--days", "30", stdout=StringIO())

    assert FeedbackContact.objects.filter(feedback=recent).exists()


def test_erase_command_keeps_contacts_of_open_feedback():
    contact = FeedbackContactFactory()
    Feedback.objects.filter(pk=contact.feedback_id).update(
        created_at=timezone.now() - timedelta(days=400)
    )

    call_command("erase_feedback_contacts", "--days", "0", stdout=StringIO())

    assert FeedbackContact.objects.count() == 1


def test_erase_command_dry_run_erases_nothing():
    _closed(days_ago=40)
    out = StringIO()

    call_command("erase_feedback_contacts", "--days", "30", "--dry-run", stdout=out)

    assert FeedbackContact.objects.count() == 1
    assert "1" in out.getvalue()


def test_erase_command_output_has_no_personal_data():
    _closed(days_ago=40)
    out = StringIO()

    call_command("erase_feedback_contacts", "--days", "30", stdout=out)

    assert "13812345678" not in out.getvalue()
    assert "测试居民" not in out.getvalue()
