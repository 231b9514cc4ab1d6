"""The programmes' pages: list, landing page, case study, compounds, the
comparison and its CSV, and what the compound page says of its programmes
(issue 15, items 5 and 6). Real data from the packs unless a test needs
more rows than the sources name."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from estates.models import Estate, ProgrammeMembership
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    ProgrammeFactory,
    ProgrammeFigureFactory,
    ProgrammeMembershipFactory,
    SubdistrictFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    call_command("load_source_data", verbosity=0, stdout=io.StringIO())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


# -- the list and the landing page -------------------------------------------


def test_programme_list_names_every_programme_in_both_languages(client, shipped):
    chinese = page(client, "/programmes/")
    english = page(client, "/en/programmes/")
    for name in ("双台子区", "蔡甸区", "龙沙区", "兴庆区", "黎阳路街道"):
        assert name in chinese
    assert "Shuangtaizi District" in english
    assert "Qingyuan Manchu Autonomous County" in english


def test_landing_page_words_an_about_figure_as_its_source_does(client, shipped):
    assert "约1.48万户" in page(client, "/programmes/longsha-2022/")
    assert "about 14,800 households" in page(client, "/en/programmes/longsha-2022/")


def test_landing_page_marks_at_least_figures_of_each_batch(client, shipped):
    chinese = page(client, "/programmes/shuangtaizi/")
    english = page(client, "/en/programmes/shuangtaizi/")
    assert "190余栋" in chinese
    assert "9000余户" in chinese
    assert "190+ buildings" in english
    assert "9,000+ households" in english


def test_landing_page_says_how_many_named_compounds_stand_beside_the_total(
    client, shipped
):
    english = page(client, "/en/programmes/caidian-2022/")
    assert "The portal names 16 compounds" in english
    assert "57 compounds" in english


def test_landing_page_says_where_the_phases_leave_compounds_unplaced(client, shipped):
    english = page(client, "/en/programmes/xingqing-2019/")
    assert "The batches hold 94 of the programme’s 102 compounds" in english
    assert "the other 8" in english


def test_landing_page_names_each_figures_source(client, shipped):
    html = page(client, "/en/programmes/caidian-2022/")
    assert 'href="#source-s3"' in html or 'href="#source-s1"' in html
    assert "https://www.whcdrm.com/thread-7581-1-1.html" in html


def _menu(html: str) -> str:
    return html.split('class="programme-menu"')[1].split("</nav>")[0]


def test_landing_page_menu_leaves_out_pages_with_nothing_to_show(client, shipped):
    liyang = _menu(page(client, "/en/programmes/liyanglu/"))
    caidian = _menu(page(client, "/en/programmes/caidian-2022/"))
    assert "/en/lanes/?programme=liyanglu" in liyang
    assert "/en/events/?programme=liyanglu" in liyang
    assert "lanes" not in caidian
    assert "/en/programmes/caidian-2022/compounds/" in caidian


def test_unknown_programme_is_a_not_found_page_in_both_languages(client, shipped):
    assert client.get("/programmes/no-such/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/programmes/no-such/").status_code == HTTPStatus.NOT_FOUND


def test_compounds_page_lists_the_named_compounds_with_their_reported_stage(
    client, shipped
):
    html = page(client, "/en/programmes/caidian-2022/compounds/")
    assert "堤防宿舍" in html or "Dyke" in html
    assert "as its programme’s source reported on" in html


def test_compounds_page_is_paginated(client, shipped):
    html = page(client, "/en/programmes/longsha-2022/compounds/")
    assert "Page 1 of 2" in html
    assert (
        page(client, "/en/programmes/longsha-2022/compounds/?page=2").count(
            'class="estate-row"'
        )
        == 2
    )


# -- the case study ------------------------------------------------------------------


def test_case_study_tells_the_programme_in_sections_with_live_figures(client, shipped):
    chinese = page(client, "/programmes/liyanglu/case-study/")
    english = page(client, "/en/programmes/liyanglu/case-study/")
    assert 'id="integrations"' in chinese
    assert "The Four Integrations" in english
    assert "约78.58万平方米" in chinese
    assert "about 785,800 m²" in english


def test_case_study_lists_what_the_source_does_not_disclose(client, shipped):
    html = page(client, "/en/programmes/liyanglu/case-study/")
    section = html.split('id="not-disclosed"')[1]
    assert "Households benefiting" in section


def test_old_case_study_address_leads_to_the_primary_programmes(client, shipped):
    response = client.get("/case-study/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/programmes/liyanglu/case-study/"
    english = client.get("/en/case-study/")
    assert english.url == "/en/programmes/liyanglu/case-study/"


def test_primary_programme_comes_from_settings(client, shipped, settings):
    settings.PRIMARY_PROGRAMME = "caidian-2022"
    assert client.get("/case-study/").url == "/programmes/caidian-2022/case-study/"


def test_case_study_address_without_programmes_leads_to_the_empty_list(client, db):
    response = client.get("/case-study/")
    assert response.url == "/programmes/"
    assert "No programme has been recorded yet." in page(client, "/en/programmes/")


# -- the compound's page -------------------------------------------------------------


def test_compound_page_names_its_programmes_and_the_reported_stage(client, shipped):
    estate = Estate.objects.filter(memberships__programme__slug="caidian-2022")[0]
    html = page(client, f"/en/estates/{estate.slug}/")
    assert "/en/programmes/caidian-2022/" in html
    assert "as its programme’s source reported on" in html


# -- the comparison ----------------------------------------------------------------


def test_comparison_lines_up_what_both_disclose_with_precision(client, shipped):
    html = page(client, "/en/programmes/compare/?p=caidian-2022&p=longsha-2022")
    shared = html.split('id="shared-heading"')[1].split('id="partly-heading"')[0]
    assert "2,883 households" in shared
    assert "about 14,800 households" in shared
    assert "240,300 m²" in shared
    # Funding per m² where both disclose funding and floor area.
    assert "480 yuan per m²" in shared
    assert "448 yuan per m²" in shared
    assert "39,993 yuan per household" in shared


def test_comparison_lists_what_each_does_not_disclose(client, shipped):
    html = page(client, "/en/programmes/compare/?p=caidian-2022&p=longsha-2022")
    missing = html.split('id="missing-heading"')[1].split("</section>")[0]
    assert "Caidian District" in missing
    assert "approved funding" in missing


def test_comparison_shows_batches_and_phases_without_inventing(client, shipped):
    chinese = page(client, "/programmes/compare/?p=shuangtaizi&p=xingqing-2019")
    english = page(client, "/en/programmes/compare/?p=shuangtaizi&p=xingqing-2019")
    assert "190余栋" in chinese
    assert "14,000+ households" in english
    batches = english.split('id="batches-heading"')[1]
    assert "Phase 1" in batches and "Phase 2" in batches
    assert "Phase 3" not in batches


def test_comparison_asks_for_a_second_programme(client, shipped):
    html = page(client, "/en/programmes/compare/?p=caidian-2022")
    assert "Choose at least 2 programmes." in html
    assert 'id="shared-heading"' not in html


def test_comparison_names_an_unknown_programme(client, shipped):
    html = page(client, "/en/programmes/compare/?p=caidian-2022&p=nowhere")
    assert "There is no programme “nowhere”." in html


def test_comparison_csv_holds_each_figure_with_its_precision(client, shipped):
    response = client.get("/programmes/compare.csv?p=shuangtaizi&p=longsha-2022")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {(row["programme"], row["batch"], row["measure"]): row for row in rows}
    buildings = by_key[("shuangtaizi", "year:2019", "buildings")]
    assert (buildings["value"], buildings["precision"]) == ("190", "at_least")
    households = by_key[("longsha-2022", "", "households")]
    assert (households["value"], households["precision"]) == ("14800", "about")


def test_comparison_csv_needs_two_programmes(client, shipped):
    response = client.get("/programmes/compare.csv?p=shuangtaizi")
    assert response.status_code == HTTPStatus.NOT_FOUND


# -- queries stay constant as data grows -----------------------------------------


def _programme_with_members(count: int):
    subdistrict = SubdistrictFactory()
    community = CommunityFactory(subdistrict=subdistrict)
    programme = ProgrammeFactory(subdistrict=subdistrict)
    for _ in range(count):
        ProgrammeMembershipFactory(
            programme=programme, estate=EstateFactory(community=community)
        )
    for n in range(count):
        ProgrammeFigureFactory(programme=programme, key=f"k{n}", value=n)
    return programme


@pytest.mark.parametrize("members", [1, 50])
@pytest.mark.parametrize("suffix", ["", "case-study/", "compounds/"])
def test_programme_pages_take_the_same_queries_at_1_and_50_rows(
    client, django_assert_max_num_queries, members, suffix
):
    programme = _programme_with_members(members)
    with django_assert_max_num_queries(10):
        response = client.get(f"/en/programmes/{programme.slug}/{suffix}")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [2, 6])
def test_comparison_takes_the_same_queries_for_two_or_six_programmes(
    client, django_assert_max_num_queries, count
):
    programmes = [_programme_with_members(3) for _ in range(count)]
    query = "&".join(f"p={p.slug}" for p in programmes)
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/programmes/compare/?{query}")
    assert response.status_code == HTTPStatus.OK


def test_membership_is_one_per_compound_and_programme(shipped):
    membership = ProgrammeMembership.objects.filter(programme__slug="liyanglu")[0]
    with pytest.raises(IntegrityError):
        ProgrammeMembership.objects.create(
            programme=membership.programme, estate=membership.estate
        )


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("九大院", "九大院"),
        ("dfss", "堤防宿舍"),
        ("nanshichang", "南市场小区"),
        ("东三环", "东三环小区"),
    ],
)
def test_a_named_compound_of_any_programme_is_found_by_search(
    client, shipped, query, name
):
    html = page(client, f"/estates/?q={query}")
    assert name in html


@pytest.mark.django_db
def test_open_data_and_the_api_are_linked_from_the_footer_and_a_programme(client):
    from tests.estates.factories import ProgrammeFactory

    programme = ProgrammeFactory()

    html = client.get(f"/en/programmes/{programme.slug}/").content.decode()

    assert f'href="/en/data/?programme={programme.slug}"' in html
    assert f'href="/api/v1/programmes/{programme.slug}/"' in html
    assert 'href="/api/docs/">API for developers</a>' in html
