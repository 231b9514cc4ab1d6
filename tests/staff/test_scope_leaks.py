"""The side doors of the admin: autocomplete, search, list filters, exports,
forged form posts and a record moved out of the user's area (issue 6, item 1)."""

import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from estates.models import Estate, Facility
from estates.services import estate_steps_create
from governance.models import Feedback
from staff.roles import COMMUNITY_STAFF, SUBDISTRICT_ADMINISTRATOR
from tests.estates.factories import EstateFactory, StepTemplateFactory
from tests.site.test_admin import form_data
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, django_user_model, areas):
    inside, _outside = areas
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, inside))
    return client


def test_autocomplete_offers_no_compound_outside_the_area(clerk, areas):
    inside, outside = areas

    response = clerk.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "estates",
            "model_name": "facility",
            "field_name": "estate",
        },
    )

    offered = {int(result["id"]) for result in response.json()["results"]}
    assert offered == {inside.estate.pk}


def test_search_does_not_find_a_compound_outside_the_area(clerk, areas):
    _inside, outside = areas

    response = clerk.get(
        reverse("admin:estates_estate_changelist"),
        {"q": outside.estate.name_zh_hans},
    )

    assert list(response.context["cl"].result_list) == []
    assert "总共 1" in response.text  # the clerk's own compound, not found
    change_url = reverse("admin:estates_estate_change", args=[outside.estate.pk])
    assert change_url not in response.text


def test_list_filter_names_no_community_outside_the_area(clerk, areas):
    inside, outside = areas

    response = clerk.get(reverse("admin:estates_estate_changelist"))

    assert inside.community.name_zh_hans in response.text
    assert outside.community.name_zh_hans not in response.text
    assert outside.subdistrict.name_zh_hans not in response.text


def test_export_leaves_out_feedback_outside_the_area(clerk, areas):
    inside, outside = areas
    mine = Feedback.objects.get(estate=inside.estate)
    theirs = Feedback.objects.get(estate=outside.estate)

    response = clerk.post(
        reverse("admin:governance_feedback_changelist"),
        {"action": "export_register", "_selected_action": [mine.pk, theirs.pk]},
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert mine.reference in cells
    assert theirs.reference not in cells


def test_delete_action_leaves_records_outside_the_area(clerk, areas):
    inside, outside = areas
    mine = Facility.objects.get(pk__in=inside.of(Facility))
    theirs = Facility.objects.get(pk__in=outside.of(Facility))

    clerk.post(
        reverse("admin:estates_facility_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [mine.pk, theirs.pk],
            "post": "yes",
        },
    )

    assert not Facility.objects.filter(pk=mine.pk).exists()
    assert Facility.objects.filter(pk=theirs.pk).exists()


def _estate_add_data(community):
    return {
        "name_zh_hans": "测试新小区",
        "community": community.pk,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "works-TOTAL_FORMS": 0,
        "works-INITIAL_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
        "funding-TOTAL_FORMS": 0,
        "funding-INITIAL_FORMS": 0,
        "notices-TOTAL_FORMS": 0,
        "notices-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }


def test_forged_choice_of_a_community_outside_the_area_is_refused(clerk, areas):
    _inside, outside = areas

    response = clerk.post(
        reverse("admin:estates_estate_add"), _estate_add_data(outside.community)
    )

    assert response.status_code == HTTPStatus.OK
    assert "community" in response.context["adminform"].form.errors
    assert not Estate.objects.filter(name_zh_hans="测试新小区").exists()


def test_compound_added_in_the_area_is_saved(clerk, areas):
    inside, _outside = areas

    response = clerk.post(
        reverse("admin:estates_estate_add"), _estate_add_data(inside.community)
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Estate.objects.get(name_zh_hans="测试新小区").community == inside.community


def test_record_moved_out_of_the_area_is_refused_and_not_written(
    client, django_user_model, areas
):
    inside, _outside = areas
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, inside))
    facility = Facility.objects.get(pk__in=inside.of(Facility))
    change_url = reverse("admin:estates_facility_change", args=[facility.pk])
    data = {
        "name_zh_hans": facility.name_zh_hans,
        "kind": facility.kind,
        # Still its subdistrict (a parent the clerk may pick), but no longer
        # in the clerk's community.
        "subdistrict": facility.subdistrict_id,
        "community": "",
        "version": facility.version,
    }

    response = client.post(change_url, data)

    assert response.status_code == HTTPStatus.FORBIDDEN
    facility.refresh_from_db()
    assert facility.community == inside.community


def test_subdistrict_administrator_sees_every_community_of_the_subdistrict(
    client, django_user_model, areas
):
    inside, outside = areas
    client.force_login(staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside))

    response = client.get(reverse("admin:estates_estate_changelist"))

    assert list(response.context["cl"].result_list) == [inside.estate]


def test_superuser_sees_both_areas(admin_client, areas):
    inside, outside = areas

    response = admin_client.get(reverse("admin:estates_estate_changelist"))

    assert set(response.context["cl"].result_list) == {inside.estate, outside.estate}


def test_compound_page_with_steps_of_an_unattached_procedure_saves(clerk, areas):
    inside, _outside = areas
    estate = EstateFactory(community=inside.community)
    template = StepTemplateFactory(procedure__is_default_template=False)
    estate_steps_create(estate=estate, procedure=template.procedure)
    change_url = reverse("admin:estates_estate_change", args=[estate.pk])
    data = form_data(clerk.get(change_url))
    data["households"] = "88"

    response = clerk.post(change_url, data)

    assert response.status_code == HTTPStatus.FOUND
    estate.refresh_from_db()
    assert estate.households == 88


def test_clerk_saves_a_compound_of_the_subdistricts_programme(clerk, areas):
    # The programme is the subdistrict's, above the clerk's community: the
    # clerk may not edit it, but its row on the compound's page must not stop
    # them saving the compound.
    from tests.estates.factories import (
        ProgrammeBatchFactory,
        ProgrammeFactory,
        ProgrammeMembershipFactory,
        ProgrammeSourceFactory,
    )

    inside, _outside = areas
    programme = ProgrammeFactory(subdistrict=inside.community.subdistrict)
    ProgrammeMembershipFactory(
        programme=programme,
        estate=inside.estate,
        batch=ProgrammeBatchFactory(programme=programme),
        source=ProgrammeSourceFactory(programme=programme),
    )
    before = set(inside.estate.memberships.values_list("programme", "batch", "source"))
    url = reverse("admin:estates_estate_change", args=[inside.estate.pk])
    data = form_data(clerk.get(url))
    data["name_zh_hans"] = "改名的小区"

    response = clerk.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, (
        response.context and response.context["errors"]
    )
    inside.estate.refresh_from_db()
    assert inside.estate.name_zh_hans == "改名的小区"
    after = set(inside.estate.memberships.values_list("programme", "batch", "source"))
    assert after == before
    assert programme.pk in {row[0] for row in after}
