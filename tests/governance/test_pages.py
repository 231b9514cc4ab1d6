"""The governance page: councils, cadence, organisations, awards, mediation."""

import datetime
from http import HTTPStatus

import pytest

from estates.models import Programme, Subdistrict
from governance.models import (
    CouncilLevel,
    MediationStatus,
    MeetingKind,
    OrganisationKind,
)
from tests.estates.factories import (
    CommunityFactory,
    DistrictFactory,
    EstateFactory,
    MergedCourtyardFactory,
    ProgrammeFactory,
    ProgrammePillarFactory,
    SubdistrictFactory,
)
from tests.governance.factories import (
    AwardFactory,
    AwardGrantFactory,
    CouncilFactory,
    MediationCaseFactory,
    MeetingFactory,
    OrganisationFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/governance/"
EN_URL = "/en/governance/"


def scoped(client, path):
    """The page narrowed to a programme whose area is every subdistrict the
    test made: the lists are shown only for a programme's area (issue 17)."""
    programme = everywhere()
    return client.get(f"{path}?programme={programme.slug}")


def everywhere():
    programme = Programme.objects.filter(slug="test-everywhere").first()
    if programme is None:
        programme = ProgrammeFactory(
            subdistrict=None, district=DistrictFactory(), slug="test-everywhere"
        )
    programme.covers.set(Subdistrict.objects.all())
    return programme


def test_governance_page_answers_in_chinese(client):
    CouncilFactory(name_zh_hans="测试社区议事会")
    response = scoped(client, URL)
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="zh-Hans">' in response.text
    assert "测试社区议事会" in response.text


def test_governance_page_answers_in_english(client):
    CouncilFactory(name_zh_hans="测试社区议事会", name_en="Test community council")
    response = scoped(client, EN_URL)
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Governance</h1>" in response.text
    assert "Test community council" in response.text


# --- Councils ---


def test_councils_are_grouped_by_level_in_order(client):
    subdistrict = SubdistrictFactory()
    CouncilFactory(
        name_zh_hans="楼院议事会",
        level=CouncilLevel.COURTYARD,
        community=None,
        subdistrict=subdistrict,
        courtyard=MergedCourtyardFactory(subdistrict=subdistrict),
    )
    CouncilFactory(
        name_zh_hans="街道议事会",
        level=CouncilLevel.SUBDISTRICT,
        community=None,
        subdistrict=subdistrict,
    )
    CouncilFactory(name_zh_hans="社区议事会")
    response = scoped(client, EN_URL)
    levels = response.context["council_levels"]
    assert [group.key for group in levels] == ["subdistrict", "community", "courtyard"]
    assert [[c.name_zh_hans for c in group.items] for group in levels] == [
        ["街道议事会"],
        ["社区议事会"],
        ["楼院议事会"],
    ]
    text = response.text
    assert (
        text.index("街道议事会") < text.index("社区议事会") < text.index("楼院议事会")
    )


def test_empty_council_level_says_so(client):
    CouncilFactory()
    response = scoped(client, EN_URL)
    assert response.text.count("No councils have been recorded at this level yet.") == 2


def test_council_links_its_community(client):
    council = CouncilFactory()
    response = scoped(client, EN_URL)
    assert f'href="/en/communities/{council.community.slug}/"' in response.text


def test_council_shows_agenda_and_decisions_of_its_meetings(client):
    MeetingFactory(
        agenda_zh_hans="讨论停车位划线",
        decisions_zh_hans="同意在东侧划线",
        kind=MeetingKind.MONTHLY_COORDINATION,
    )
    response = scoped(client, URL)
    assert "讨论停车位划线" in response.text
    assert "同意在东侧划线" in response.text


def test_council_never_shows_minutes(client):
    MeetingFactory(minutes_zh_hans="会议纪要内部内容", agenda_zh_hans="议程")
    response = scoped(client, URL)
    assert "会议纪要内部内容" not in response.text


def test_council_meetings_are_read_without_minutes(client):
    MeetingFactory(minutes_zh_hans="会议纪要内部内容")
    response = scoped(client, URL)
    meeting = response.context["council_levels"][1].items[0].latest_meetings[0]
    assert "minutes_zh_hans" in meeting.get_deferred_fields()


def test_council_shows_only_its_latest_three_meetings(client):
    council = CouncilFactory()
    for day in range(1, 6):
        MeetingFactory(
            council=council,
            held_on=datetime.date(2024, 3, day),
            title_zh_hans=f"第{day}次会议",
        )
    response = scoped(client, URL)
    meetings = response.context["council_levels"][1].items[0].latest_meetings
    assert [m.held_on.day for m in meetings] == [5, 4, 3]
    assert "第1次会议" not in response.text


def test_meeting_dates_are_formatted_for_the_language(client):
    MeetingFactory(held_on=datetime.date(2024, 3, 2))
    assert "2024年3月2日" in scoped(client, URL).text
    assert "2 March 2024" in scoped(client, EN_URL).text


def test_council_without_meetings_says_so(client):
    CouncilFactory()
    response = scoped(client, EN_URL)
    assert "No meetings have been recorded yet." in response.text


# --- Meeting cadence ---


def test_cadence_explains_the_three_meetings(client):
    response = scoped(client, EN_URL)
    assert "<dt>Weekly residents' sentiment talk</dt>" in response.text
    assert "Monthly problem coordination meeting" in response.text
    assert "Quarterly work evaluation meeting" in response.text
    assert "Every quarter, the work done is reviewed and evaluated." in response.text


def test_cadence_counts_meetings_of_each_kind(client):
    MeetingFactory.create_batch(2, kind=MeetingKind.WEEKLY_TALK)
    MeetingFactory(kind=MeetingKind.QUARTERLY_EVALUATION)
    response = scoped(client, EN_URL)
    assert response.context["meeting_counts"] == {
        "weekly_talk": 2,
        "monthly_coordination": 0,
        "quarterly_evaluation": 1,
        "other": 0,
    }
    assert "2 meetings recorded in the portal" in response.text
    assert "1 meeting recorded in the portal" in response.text


# --- Organisations and volunteer teams ---


def test_organisations_are_grouped_by_kind(client):
    OrganisationFactory(
        name_zh_hans="红色邻居联合党支部", kind=OrganisationKind.JOINT_PARTY_BRANCH
    )
    OrganisationFactory(
        name_zh_hans="测试业委会", kind=OrganisationKind.OWNERS_COMMITTEE
    )
    response = scoped(client, EN_URL)
    groups = response.context["organisation_groups"]
    assert [group.key for group in groups] == ["joint_party_branch", "owners_committee"]
    assert "<h3>Joint Party branch</h3>" in response.text
    assert "红色邻居联合党支部" in response.text


def test_volunteer_team_lists_its_sub_teams(client):
    team = OrganisationFactory(name_zh_hans="暖阳服务队")
    OrganisationFactory(
        name_zh_hans="睦邻友爱分队",
        kind=OrganisationKind.VOLUNTEER_SUB_TEAM,
        parent=team,
    )
    response = scoped(client, URL)
    assert "暖阳服务队" in response.text
    assert "睦邻友爱分队" in response.text
    assert [t.name_zh_hans for t in response.context["volunteer_teams"]] == [
        "暖阳服务队"
    ]


def test_volunteer_team_reports_sub_teams_not_all_recorded(client):
    team = OrganisationFactory(sub_teams_count=70)
    OrganisationFactory.create_batch(
        3, kind=OrganisationKind.VOLUNTEER_SUB_TEAM, parent=team
    )
    response = scoped(client, EN_URL)
    assert "<dt>Sub-teams</dt><dd>70</dd>" in response.text
    assert "70 sub-teams in all; 3 recorded here:" in response.text


def test_volunteer_team_says_volunteers_not_disclosed(client):
    OrganisationFactory(members_count=None)
    response = scoped(client, EN_URL)
    assert (
        '<dt>Volunteers</dt><dd><span class="undisclosed">not disclosed</span>'
        in response.text
    )


def test_no_organisations_says_so(client):
    response = scoped(client, EN_URL)
    assert "No organisations have been recorded yet." in response.text
    assert "No volunteer teams have been recorded yet." in response.text


# --- Awards and practices ---


def test_awards_are_listed_with_their_grants(client):
    award = AwardFactory(name_zh_hans="和美楼栋")
    estate = EstateFactory(name_zh_hans="九大院")
    AwardGrantFactory(award=award, year=2023, estate=estate, recipients_count=None)
    response = scoped(client, EN_URL)
    assert "和美楼栋" in response.text
    assert f'2023 · <a href="/en/estates/{estate.slug}/">' in response.text
    assert 'Recipients: <span class="undisclosed">not disclosed</span>' in (
        response.text
    )


def test_no_awards_says_so(client):
    response = scoped(client, EN_URL)
    assert "No awards have been recorded yet." in response.text


def test_practices_are_grouped_by_the_pillar_of_their_programme(client):
    programme = ProgrammeFactory()
    buildings = ProgrammePillarFactory(programme=programme, position=10)
    organisations = ProgrammePillarFactory(programme=programme, position=20)
    PracticeFactory(name_zh_hans="三张清单", pillar=organisations)
    PracticeFactory(name_zh_hans="三合三并", pillar=buildings)
    PracticeFactory(name_zh_hans="测试其他做法", pillar=None)
    response = scoped(client, EN_URL)
    groups = response.context["practice_groups"]
    assert [group.label for group in groups] == [buildings, organisations, None]
    assert [[p.name_zh_hans for p in group.items] for group in groups] == [
        ["三合三并"],
        ["三张清单"],
        ["测试其他做法"],
    ]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_practice_group_names_its_programme_and_pillar(client, prefix):
    pillar = ProgrammePillarFactory(
        programme__short_name_zh_hans="测试街道",
        programme__short_name_en="Test Subdistrict",
        name_zh_hans="楼院合",
        name_en="buildings and courtyards merged",
    )
    PracticeFactory(pillar=pillar)
    text = scoped(client, f"{prefix}/governance/").text
    programme = f'<a href="{prefix}/programmes/{pillar.programme.slug}/">'
    if prefix:
        assert f"{programme}Test Subdistrict</a> · buildings and courtyards" in text
    else:
        assert f"{programme}测试街道</a> · 楼院合" in text


def test_practices_without_a_pillar_are_listed_last_as_other_practices(client):
    PracticeFactory(name_en="A test practice", pillar=None)
    text = scoped(client, EN_URL).text
    practices = text[text.index('id="practices"') :]
    assert practices.index("Other practices") < practices.index("A test practice")


# --- Mediation ---


def test_mediation_cases_are_counted_by_status(client):
    MediationCaseFactory.create_batch(2, status=MediationStatus.RESOLVED)
    MediationCaseFactory(status=MediationStatus.OPEN)
    response = scoped(client, EN_URL)
    counts = {t.key: t.count for t in response.context["mediation_counts"]}
    assert counts == {"open": 1, "resolved": 2, "referred": 0}
    assert '<th scope="row">Resolved</th><td>2</td>' in response.text
    assert '<th scope="row">Total</th><td>3</td>' in response.text


def test_no_mediation_cases_says_so(client):
    response = scoped(client, EN_URL)
    assert "No mediation cases have been recorded in the portal yet." in (response.text)


# --- Queries ---


def _make_rows(rows):
    for council in CouncilFactory.create_batch(rows):
        MeetingFactory.create_batch(2, council=council)
    for team in OrganisationFactory.create_batch(rows):
        OrganisationFactory(kind=OrganisationKind.VOLUNTEER_SUB_TEAM, parent=team)
    for award in AwardFactory.create_batch(rows):
        AwardGrantFactory(award=award, estate=EstateFactory())
    for pillar in ProgrammePillarFactory.create_batch(rows):
        PracticeFactory(pillar=pillar)
    MediationCaseFactory.create_batch(rows)


@pytest.mark.parametrize("rows", [1, 60])
def test_governance_page_of_a_programme_queries_stay_constant(
    client, rows, django_assert_max_num_queries
):
    _make_rows(rows)
    programme = everywhere()
    # The programme and its area; the counts; a page of councils and their
    # latest meetings; organisations and teams with their sub-teams; awards
    # with their grants; practices.
    with django_assert_max_num_queries(10):
        response = client.get(f"{URL}?programme={programme.slug}")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("rows", [1, 60])
def test_governance_page_of_the_country_queries_stay_constant(
    client, rows, django_assert_max_num_queries
):
    _make_rows(rows)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.OK


# --- Bounded at any size of the register (issue 17, item 4) ---


def test_governance_page_of_the_country_counts_and_lists_no_council(client):
    for n in range(3):
        CouncilFactory(name_zh_hans=f"全国议事会{n}")
    OrganisationFactory.create_batch(2)
    response = client.get(EN_URL)
    assert "全国议事会" not in response.text
    assert '<th scope="row">Community-level councils</th><td>3</td>' in response.text
    assert '<th scope="row">Volunteer teams</th><td>2</td>' in response.text
    assert "Choose a programme" in response.text


def test_governance_page_of_the_country_offers_programmes_found_by_name(client):
    ProgrammeFactory(short_name_en="Findable test programme", slug="findable")
    ProgrammeFactory(short_name_en="Another test programme")
    response = client.get(f"{EN_URL}?find=Findable")
    assert 'href="/en/governance/?programme=findable"' in response.text
    assert "Another test programme" not in response.text


def test_governance_page_of_the_country_in_chinese_says_what_it_counts(client):
    response = client.get(URL)
    assert "选择改造计划" in response.text


def test_councils_of_a_programme_are_shown_a_page_at_a_time(client):
    community = CommunityFactory()
    for n in range(25):
        CouncilFactory(community=community, name_zh_hans=f"分页议事会{n:02d}")
    first = scoped(client, EN_URL)
    assert "分页议事会19" in first.text
    assert "分页议事会20" not in first.text
    assert "Page 1 of 2" in first.text
    programme = Programme.objects.get(slug="test-everywhere")
    second = client.get(f"{EN_URL}?programme={programme.slug}&page=2")
    assert "分页议事会20" in second.text
    assert "分页议事会00" not in second.text


def test_organisations_of_a_programme_are_capped_and_say_so(client, monkeypatch):
    from governance import views

    monkeypatch.setattr(views, "GOVERNANCE_LIST_LIMIT", 2)
    OrganisationFactory.create_batch(3)
    response = scoped(client, EN_URL)
    assert len(response.context["volunteer_teams"]) == 2
    assert "The first 2 by name; more are recorded." in response.text


def test_governance_page_of_an_empty_programme_says_so_in_both_languages(client):
    programme = ProgrammeFactory()
    chinese = client.get(f"{URL}?programme={programme.slug}").text
    english = client.get(f"{EN_URL}?programme={programme.slug}").text
    assert chinese.count("这一级暂未登记议事会。") == 3
    assert english.count("No councils have been recorded at this level yet.") == 3
    assert "No organisations have been recorded yet." in english
