"""Exporting change lists as XLSX and CSV: the rows the list shows, headed in the
user's language, never residents' contact details."""

import csv
import io
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from estates.models import Estate, WorksItem
from renovation_portal.exporting import csv_response, export_csv, export_xlsx
from tests.estates.factories import CommunityFactory, EstateFactory, WorksItemFactory
from tests.governance.factories import FeedbackContactFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


def _export(client, model, action, *, query="", selected=None, select_all=True):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = {"action": action, "index": 0}
    if select_all:
        data["select_across"] = 1
        data["_selected_action"] = [obj.pk for obj in model.objects.all()[:1]]
    else:
        data["_selected_action"] = [obj.pk for obj in selected]
    return client.post(url + query, data)


def _csv_rows(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx_rows(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def two_communities():
    east, west = CommunityFactory(name_zh_hans="东测试社区"), CommunityFactory()
    EstateFactory(name_zh_hans="东一测试小区", community=east, households=120)
    EstateFactory(name_zh_hans="东二测试小区", community=east)
    EstateFactory(name_zh_hans="西测试小区", community=west)
    return east, west


def test_csv_export_follows_the_changelist_filter(admin_client, two_communities):
    east, _west = two_communities
    response = _export(
        admin_client, Estate, "export_csv", query=f"?community__id__exact={east.pk}"
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    names = sorted(row[header.index("名称（中文）")] for row in body)
    assert names == ["东一测试小区", "东二测试小区"]
    assert {row[header.index("社区")] for row in body} == {"东测试社区"}


def test_xlsx_export_only_the_ticked_rows(admin_client, two_communities):
    chosen = Estate.objects.get(name_zh_hans="东一测试小区")
    response = _export(
        admin_client, Estate, "export_xlsx", selected=[chosen], select_all=False
    )
    assert response.status_code == HTTPStatus.OK
    rows = _xlsx_rows(response)
    header = rows[0]
    assert len(rows) == 2
    assert rows[1][header.index("名称（中文）")] == "东一测试小区"
    assert rows[1][header.index("户数")] == 120


def test_headers_follow_the_users_language(admin_client, two_communities):
    admin_client.cookies["django_language"] = "en"
    rows = _csv_rows(_export(admin_client, Estate, "export_csv"))
    assert "name (english)" in [h.lower() for h in rows[0]]
    assert "households" in [h.lower() for h in rows[0]]
    assert "search hanzi" not in [h.lower() for h in rows[0]]


def test_works_items_export_choice_labels(admin_client):
    admin_client.cookies["django_language"] = "en"
    WorksItemFactory(planned_quantity=10, done_quantity=4)
    rows = _xlsx_rows(xlsx := _export(admin_client, WorksItem, "export_xlsx"))
    assert xlsx["Content-Disposition"].startswith('attachment; filename="worksitem-')
    header = [h.lower() for h in rows[0]]
    assert rows[1][header.index("category")] == "lighting"
    assert float(rows[1][header.index("planned quantity")]) == 10


def test_export_uses_the_queryset_it_is_given():
    kept = EstateFactory(name_zh_hans="留下测试小区")
    EstateFactory(name_zh_hans="不要测试小区")
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    csv_response(Estate.objects.filter(pk=kept.pk)).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert [row[rows[0].index("名称（中文）")] for row in rows[1:]] == ["留下测试小区"]


def test_text_that_looks_like_a_formula_is_exported_as_text(admin_client):
    EstateFactory(name_zh_hans="=HYPERLINK(1)")
    rows = _csv_rows(_export(admin_client, Estate, "export_csv"))
    assert rows[1][rows[0].index("名称（中文）")] == "'=HYPERLINK(1)"


def test_feedback_and_contacts_offer_no_generic_export(admin_client):
    contact = FeedbackContactFactory(
        feedback=FeedbackFactory(), name="测试居民", phone="13800000000"
    )
    actions = admin.site._registry[type(contact.feedback)].get_actions(
        admin_client.get("/").wsgi_request
    )
    assert "export_csv" not in actions
    assert "export_xlsx" not in actions
    assert type(contact) not in admin.site._registry
    response = _export(admin_client, type(contact.feedback), "export_csv")
    # Django answers an unknown action by showing the list again, exporting nothing.
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert "13800000000" not in response.content.decode()


def test_generic_export_refuses_an_excluded_model_even_when_called_directly(rf):
    from django.core.exceptions import PermissionDenied

    from governance.models import FeedbackContact

    with pytest.raises(PermissionDenied):
        export_csv(None, rf.get("/"), FeedbackContact.objects.all())
    with pytest.raises(PermissionDenied):
        export_xlsx(None, rf.get("/"), FeedbackContact.objects.all())


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
def test_export_query_count_does_not_grow_with_rows(
    admin_client, rows, action, django_assert_max_num_queries
):
    community = CommunityFactory()
    EstateFactory.create_batch(rows, community=community)
    # One of them counts the rows: a large list is exported by a job.
    with django_assert_max_num_queries(14):
        response = _export(admin_client, Estate, action)
        parsed = (_csv_rows if action == "export_csv" else _xlsx_rows)(response)
    assert len(parsed) == rows + 1
