"""Staff triage of resident feedback in the admin (issue 5)."""

import io
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.db.models.signals import post_save
from openpyxl import load_workbook

from estates.models import Subdistrict
from governance import services
from governance.models import Feedback, FeedbackReply, FeedbackStatus
from staff.models import StaffAssignment
from tests.governance.factories import FeedbackContactFactory, FeedbackFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/governance/feedback/"


def _change_url(feedback):
    return f"{LIST_URL}{feedback.pk}/change/"


@pytest.fixture
def clerk(django_user_model):
    """Staff who may triage feedback but not see contact details, working in
    every subdistrict the test creates (each factory record gets its own)."""
    user = django_user_model.objects.create_user(
        username="clerk", password="not-a-real-password-1", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="governance",
            codename__in=["view_feedback", "change_feedback"],
        )
    )
    assignment = StaffAssignment.objects.create(user=user)

    def assign(sender, instance, created, **kwargs):
        if created:
            assignment.subdistricts.add(instance)

    post_save.connect(assign, sender=Subdistrict, weak=False)
    yield user
    post_save.disconnect(assign, sender=Subdistrict)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def _triage(client, feedback, *, with_contact=True, **fields):
    data = {
        "assigned_to": feedback.assigned_to_id or "",
        "new_status": "",
        "status_reason": "",
        "reply_text": "",
        **fields,
    }
    formsets = [
        ("status_changes", feedback.status_changes.count()),
        ("replies", feedback.replies.count()),
    ]
    if with_contact:
        formsets.append(("contact", 1 if hasattr(feedback, "contact") else 0))
    for prefix, count in formsets:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": count,
                f"{prefix}-INITIAL_FORMS": count,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return client.post(_change_url(feedback), data)


def _received():
    from tests.estates.factories import EstateFactory

    return services.feedback_submit(
        estate=EstateFactory(), category="lighting", text="路灯坏了"
    )


def test_queue_lists_feedback_by_status(admin_client):
    FeedbackFactory(reference="AAAA-2222")
    FeedbackFactory(reference="BBBB-3333", status=FeedbackStatus.ACCEPTED)

    response = admin_client.get(LIST_URL, {"status__exact": "accepted"})

    assert response.status_code == HTTPStatus.OK
    assert "BBBB-3333" in response.content.decode()
    assert "AAAA-2222" not in response.content.decode()


def test_queue_shows_the_phone_masked_to_staff_allowed_to_see_it(admin_client):
    FeedbackContactFactory(phone="13812345678")

    html = admin_client.get(LIST_URL).content.decode()

    assert "138****5678" in html
    assert "13812345678" not in html


def test_queue_hides_the_phone_from_staff_without_the_permission(clerk_client):
    FeedbackContactFactory(phone="13812345678")

    html = clerk_client.get(LIST_URL).content.decode()

    assert "138****5678" not in html
    assert "13812345678" not in html


def test_feedback_page_shows_contact_to_staff_allowed_to_see_it(admin_client):
    contact = FeedbackContactFactory(name="测试居民甲", phone="13812345678")

    html = admin_client.get(_change_url(contact.feedback)).content.decode()

    assert "测试居民甲" in html
    assert "13812345678" in html


def test_feedback_page_hides_contact_from_staff_without_the_permission(
    clerk_client,
):
    contact = FeedbackContactFactory(name="测试居民甲", phone="13812345678")

    response = clerk_client.get(_change_url(contact.feedback))

    assert response.status_code == HTTPStatus.OK
    assert "测试居民甲" not in response.content.decode()
    assert "13812345678" not in response.content.decode()


def test_staff_cannot_add_feedback_in_the_admin(admin_client):
    response = admin_client.get(f"{LIST_URL}add/")

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_status_change_is_recorded_with_who_and_when(admin_client, superuser):
    feedback = _received()

    response = _triage(admin_client, feedback, new_status="accepted")

    assert response.status_code == HTTPStatus.FOUND
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ACCEPTED
    change = feedback.status_changes.last()
    assert (change.status, change.changed_by) == ("accepted", superuser)
    assert change.changed_at is not None


def test_status_can_only_move_along_allowed_transitions(admin_client):
    feedback = _received()

    response = _triage(admin_client, feedback, new_status="resolved")

    assert response.status_code == HTTPStatus.OK  # the form, with an error
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.RECEIVED


def test_declining_needs_a_reason(admin_client):
    feedback = _received()

    response = _triage(admin_client, feedback, new_status="declined")

    assert response.status_code == HTTPStatus.OK
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.RECEIVED


def test_declining_with_a_reason_closes_the_feedback(admin_client):
    feedback = _received()

    _triage(admin_client, feedback, new_status="declined", status_reason="不在范围")

    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.DECLINED
    assert feedback.closed_at is not None


def test_reply_is_an_internal_note_unless_marked_public(admin_client, superuser):
    feedback = _received()

    _triage(admin_client, feedback, reply_text="内部备注")

    reply = FeedbackReply.objects.get()
    assert (reply.text, reply.is_public, reply.author) == ("内部备注", False, superuser)


def test_public_reply_is_stored_as_public(admin_client):
    feedback = _received()

    _triage(admin_client, feedback, reply_text="已修好", reply_is_public="on")

    assert FeedbackReply.objects.get().is_public


def test_feedback_is_assigned_to_a_staff_member(admin_client, clerk):
    feedback = _received()

    _triage(admin_client, feedback, assigned_to=clerk.pk)

    feedback.refresh_from_db()
    assert feedback.assigned_to == clerk


def test_clerk_without_contact_permission_can_triage(clerk_client):
    feedback = _received()

    response = _triage(
        clerk_client, feedback, with_contact=False, new_status="accepted"
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Feedback.objects.get().status == FeedbackStatus.ACCEPTED


def _export(client, *feedback):
    return client.post(
        LIST_URL,
        {
            "action": "export_register",
            "_selected_action": [f.pk for f in feedback],
        },
    )


def test_export_is_the_register_spreadsheet(admin_client):
    feedback = FeedbackFactory(text="井盖松动")

    response = _export(admin_client, feedback)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert feedback.reference in values
    assert "井盖松动" in values


def test_export_never_contains_contact_details(admin_client):
    contact = FeedbackContactFactory(name="测试居民甲", phone="13812345678")

    response = _export(admin_client, contact.feedback)

    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "测试居民甲" not in text
    assert "13812345678" not in text
    assert "5678" not in text


def test_export_does_not_turn_resident_text_into_a_formula(admin_client):
    feedback = FeedbackFactory(text='=HYPERLINK("http://evil.example","x")')

    response = _export(admin_client, feedback)

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)


def _cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


def test_a_large_register_is_written_by_a_job_with_the_same_rows(
    admin_client, settings
):
    from sitewide.models import Job, JobStatus

    contact = FeedbackContactFactory(name="测试居民乙", phone="13812349876")
    feedback = [contact.feedback, *FeedbackFactory.create_batch(3)]
    settings.EXPORT_JOB_ROWS = 100
    immediate = _cells(_export(admin_client, *feedback).content)
    settings.EXPORT_JOB_ROWS = 2

    response = _export(admin_client, *feedback)

    assert response.status_code == HTTPStatus.FOUND
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 4, 4)
    download = admin_client.get(job.download_url)
    assert download.status_code == HTTPStatus.OK
    from_job = _cells(b"".join(download.streaming_content))
    assert from_job == immediate
    assert all(f.reference in from_job for f in feedback)
    text = " ".join(str(cell) for cell in from_job)
    assert "测试居民乙" not in text
    assert "9876" not in text
