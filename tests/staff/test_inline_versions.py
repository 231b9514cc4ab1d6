"""No lost updates in the rows edited inline on a compound's page (works items,
photos) and on its step checklist (issue 6, item 3; the steps moved from the
compound's page to the checklist in issue 16, item 13)."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from estates.models import Step, WorksItem
from renovation_portal.admin_base import VersionedRowFormMixin, _has_version
from tests.site.test_admin import checklist_data, form_data, speaking
from tests.staff.test_versions import two_clerks  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(areas):
    return areas[0].estate


def _url(estate):
    return reverse("admin:estates_estate_change", args=[estate.pk])


def _row_errors(response, prefix):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [
                *inline.formset.non_form_errors(),
                *(e for form in inline.formset.forms for e in form.non_field_errors()),
            ]
    raise AssertionError(prefix)


def _checklist(estate):
    return reverse("admin:estates_estate_checklist", args=[estate.pk])


def test_rows_carry_the_version_they_were_opened_at(two_clerks, estate):  # noqa: F811
    first, _second = two_clerks
    step = estate.steps.get()
    Step.objects.filter(pk=step.pk).update(version=7)

    page = first.get(_url(estate))
    checklist = first.get(_checklist(estate))

    assert 'type="hidden" name="steps-0-version" value="7"' in checklist.text
    assert 'type="hidden" name="works-0-version" value="1"' in page.text


def test_second_clerk_saving_a_stale_step_row_is_refused(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = checklist_data(first.get(_checklist(estate)))
    second_data = checklist_data(speaking(second, "en").get(_checklist(estate)))
    first_data["steps-0-planned_on"] = "2030-01-15"
    second_data["steps-0-planned_on"] = "2030-02-20"

    saved = first.post(_checklist(estate), first_data)
    refused = second.post(_checklist(estate), second_data)

    assert saved.status_code == HTTPStatus.FOUND
    assert refused.status_code == HTTPStatus.OK
    step = estate.steps.get()
    (message,) = refused.context["rows"].forms[0].non_field_errors()
    assert f"Someone else saved the step “{step}”" in message
    assert "planned date: “2030-01-15”" in message.lower()
    assert str(step.planned_on) == "2030-01-15"


def test_stale_row_refuses_the_whole_page_even_untouched(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(second.get(_url(estate)))
    first_data["works-0-done_quantity"] = "7"
    # The second clerk only edits the compound; their copy of the works row
    # would still write the old quantity back.
    second_data["households"] = "88"
    first.post(_url(estate), first_data)

    refused = second.post(_url(estate), second_data)

    assert refused.status_code == HTTPStatus.OK
    estate.refresh_from_db()
    assert estate.households is None
    assert WorksItem.objects.get(estate=estate).done_quantity == 7


def test_reopened_page_saves_after_a_refusal(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(second.get(_url(estate)))
    first_data["works-0-done_quantity"] = "7"
    second_data["works-0-done_quantity"] = "9"
    first.post(_url(estate), first_data)
    second.post(_url(estate), second_data)

    fresh = form_data(second.get(_url(estate)))
    fresh["works-0-done_quantity"] = "9"
    saved = second.post(_url(estate), fresh)

    assert saved.status_code == HTTPStatus.FOUND
    assert WorksItem.objects.get(estate=estate).done_quantity == 9


def test_saving_the_refused_page_again_keeps_the_clerks_entry(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(second.get(_url(estate)))
    first_data["works-0-done_quantity"] = "7"
    second_data["works-0-done_quantity"] = "9"
    first.post(_url(estate), first_data)
    refused = second.post(_url(estate), second_data)

    again = second.post(_url(estate), form_data(refused))

    assert again.status_code == HTTPStatus.FOUND
    assert WorksItem.objects.get(estate=estate).done_quantity == 9


def test_stale_photo_row_is_refused(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(speaking(second, "en").get(_url(estate)))
    first_data["photos-0-caption_zh_hans"] = "甲的说明"
    second_data["photos-0-caption_zh_hans"] = "乙的说明"
    first.post(_url(estate), first_data)

    refused = second.post(_url(estate), second_data)

    assert refused.status_code == HTTPStatus.OK
    assert "Someone else saved the photo" in " ".join(_row_errors(refused, "photos"))
    assert estate.photos.get().caption_zh_hans == "甲的说明"


def test_row_deleted_by_someone_else_is_refused_with_a_message(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    data = form_data(speaking(second, "en").get(_url(estate)))
    data["households"] = "88"
    WorksItem.objects.filter(estate=estate).delete()

    refused = second.post(_url(estate), data)

    assert refused.status_code == HTTPStatus.OK
    (message,) = _row_errors(refused, "works")
    assert "was deleted by someone else after you opened this page" in message
    estate.refresh_from_db()
    assert estate.households is None


def test_deleting_a_row_someone_else_changed_is_refused(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(speaking(second, "en").get(_url(estate)))
    first_data["works-0-done_quantity"] = "9"
    second_data["works-0-DELETE"] = "on"
    first.post(_url(estate), first_data)

    refused = second.post(_url(estate), second_data)

    assert refused.status_code == HTTPStatus.OK
    (message,) = _row_errors(refused, "works")
    assert "so it was not deleted" in message
    assert WorksItem.objects.get(estate=estate).done_quantity == 9


def test_main_form_check_still_works_beside_the_rows(two_clerks, estate):  # noqa: F811
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(speaking(second, "en").get(_url(estate)))
    first_data["households"] = "50"
    second_data["households"] = "60"
    first.post(_url(estate), first_data)

    refused = second.post(_url(estate), second_data)

    assert "Someone else saved this record after you opened it" in refused.text
    estate.refresh_from_db()
    assert estate.households == 50


def _editable_inlines():
    for model, model_admin in admin.site._registry.items():
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            if _has_version(inline.model):
                yield pytest.param(model, inline, id=type(inline).__name__)


@pytest.mark.parametrize(("parent", "inline"), list(_editable_inlines()))
def test_every_inline_with_versions_carries_them(rf, superuser, parent, inline):
    request = rf.get("/")
    request.user = superuser
    obj = parent()

    assert "version" in inline.get_fields(request, obj)
    form = inline.get_formset(request, obj).form
    assert issubclass(form, VersionedRowFormMixin)
