"""The staff admin: every model's pages in both languages, finding a compound by
pinyin, the stage kept in step with the steps, and the admin's language switch."""

from http import HTTPStatus

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from estates.models import Estate, Stage, Step, StepStatus
from estates.services import estate_steps_create
from governance.models import Council, CouncilLevel, Organisation
from tests.estates.factories import (
    CaseStudySectionFactory,
    CommunityChecklistItemFactory,
    CommunityFactory,
    EstateFactory,
    FacilityFactory,
    FundingFactory,
    HonourFactory,
    InspectionFactory,
    MergedCourtyardFactory,
    NoticeFactory,
    PhotoFactory,
    ProcedureFactory,
    ProgrammeBatchFactory,
    ProgrammeFactory,
    ProgrammeFigureFactory,
    ProgrammeMembershipFactory,
    ProgrammePillarFactory,
    PropertyCompanyFactory,
    StepDocumentFactory,
    StepFactory,
    StepTemplateFactory,
    WorksItemFactory,
)
from tests.governance.factories import (
    AwardFactory,
    AwardGrantFactory,
    CouncilFactory,
    FeedbackContactFactory,
    MediationCaseFactory,
    MeetingFactory,
    OrganisationFactory,
    PracticeFactory,
    SurveyResponseFactory,
)
from tests.lanes.factories import (
    EventFactory,
    LaneFactory,
    LaneFeatureFactory,
    LaneHonourFactory,
    LaneTenantFactory,
)
from tests.site.factories import JobFactory

pytestmark = pytest.mark.django_db

# Parametrised over the registry, so a newly registered model is covered
# without touching this file (the admin registers itself in django.setup()).
PORTAL_APPS = ["estates", "lanes", "governance", "sitewide"]
# The portal's own models and the staff groups; third-party admins (login
# throttling records) are the libraries' to test.
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label in [*PORTAL_APPS, "auth"]),
    key=lambda model: model._meta.label,
)
MODEL_IDS = [model._meta.label for model in REGISTERED]
LANGUAGES = ["zh-hans", "en"]
# Kept only as inlines of the feedback page: a page of their own would widen who
# can reach residents' contact details.
INLINE_ONLY = {
    "governance.FeedbackContact": "governance.Feedback",
    "governance.FeedbackReply": "governance.Feedback",
    "governance.FeedbackStatusChange": "governance.Feedback",
    "estates.CaseStudySection": "estates.Programme",
}
# Shown read-only on the feedback page (previews), never edited on their own.
SHOWN_ON_PARENT = {"governance.FeedbackPhoto"}
# Derived from another record when it is saved; nothing to edit.
DERIVED = {"estates.EstateSearchGram"}
# The import pages' own bookkeeping between requests (estates/importing/views.py).
BOOKKEEPING = {"estates.ImportClaim"}
# Session, user, counts, the page and one query per related list filter; the
# point is that it stays the same at 1 and at 50 rows.
ESTATE_CHANGELIST_MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test here logs in a superuser; the production hasher would spend
    # most of the run hashing its password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_one_of_each():
    """One record of every model, linked as in real data; each call makes a
    fresh set, so calling it twice doubles every change list."""
    community = CommunityFactory()
    subdistrict = community.subdistrict
    courtyard = MergedCourtyardFactory(subdistrict=subdistrict, community=community)
    estate = EstateFactory(
        community=community,
        property_company=PropertyCompanyFactory(),
        courtyard=courtyard,
    )
    CommunityChecklistItemFactory(community=community)
    HonourFactory(subdistrict=subdistrict, estates=[estate])
    first = StepTemplateFactory(stage=Stage.TENDERING)
    second = StepTemplateFactory(procedure=first.procedure, stage=Stage.PREPARATION)
    second.depends_on.add(first)
    StepDocumentFactory(step=StepFactory(estate=estate, template=first))
    WorksItemFactory(estate=estate, planned_quantity=10, done_quantity=4)
    FundingFactory(estate=estate, amount_yuan=1000)
    NoticeFactory(estate=estate)
    InspectionFactory(estate=estate)
    PhotoFactory(estate=estate)
    programme = ProgrammeFactory(subdistrict=subdistrict)
    batch = ProgrammeBatchFactory(programme=programme)
    figure = ProgrammeFigureFactory(programme=programme, batch=batch, value=59)
    ProgrammeMembershipFactory(
        programme=programme, estate=estate, batch=batch, source=figure.source
    )
    pillar = ProgrammePillarFactory(programme=programme)
    CaseStudySectionFactory(programme=programme)
    facility = FacilityFactory(subdistrict=subdistrict, community=community)
    lane = LaneFactory(subdistrict=subdistrict, estates=[estate])
    LaneFeatureFactory(lane=lane)
    LaneTenantFactory(lane=lane)
    LaneHonourFactory(lane=lane)
    EventFactory(subdistrict=subdistrict, lane=lane, facility=facility)
    MeetingFactory(council=CouncilFactory(community=community, estates=[estate]))
    team = OrganisationFactory(subdistrict=subdistrict, community=community)
    OrganisationFactory(parent=team, subdistrict=subdistrict)
    MediationCaseFactory(subdistrict=subdistrict, community=community)
    AwardGrantFactory(award=AwardFactory(subdistrict=subdistrict), estate=estate)
    PracticeFactory(subdistrict=subdistrict, pillar=pillar)
    FeedbackContactFactory(feedback__estate=estate)
    SurveyResponseFactory(survey__estate=estate)
    Group.objects.create(name=f"测试组{Group.objects.count()}")
    JobFactory()


@pytest.fixture
def one_of_each(superuser):
    make_one_of_each()


def url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def speaking(client, language):
    """The client, asking for ``language`` through the language cookie, as the
    admin's switch (Django's set_language view) leaves it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def checklist_data(response) -> dict:
    """The POST a browser sends back for a compound's step checklist as
    rendered (estates/admin/checklist.py): its management form and each row."""
    rows = response.context["rows"]
    data = {
        "steps-TOTAL_FORMS": rows.total_form_count(),
        "steps-INITIAL_FORMS": rows.initial_form_count(),
    }
    for row in rows.forms:
        for field in row:
            if field.value() is not None:
                data[field.html_name] = str(field.value())
    return data


def form_data(response):
    """The POST data a browser would send back for an admin change form as
    rendered, inlines and their management forms included."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page.append(inline.formset.management_form)
        forms_on_page.extend(inline.formset.forms)
    data = {}
    for form in forms_on_page:
        for bound in form:
            value = bound.value()
            widget = bound.field.widget
            if isinstance(widget, forms.MultiWidget):
                # A bound form's value is already the list of parts.
                parts = value if isinstance(value, list) else widget.decompress(value)
                for index, part in enumerate(parts):
                    if part is not None:
                        data[f"{bound.html_name}_{index}"] = str(part)
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            elif value is not None and not isinstance(value, File):
                data[bound.html_name] = str(value)
    return data


def test_every_model_of_the_portal_apps_is_registered():
    models = [m for app in PORTAL_APPS for m in apps.get_app_config(app).get_models()]

    missing = [
        m._meta.label
        for m in models
        if not admin.site.is_registered(m)
        and m._meta.label
        not in {*INLINE_ONLY, *SHOWN_ON_PARENT, *DERIVED, *BOOKKEEPING}
    ]
    assert missing == []


@pytest.mark.parametrize("label", sorted(INLINE_ONLY))
def test_inline_only_models_are_inlines_of_their_parent_page(label):
    parent = apps.get_model(INLINE_ONLY[label])
    inline_models = {i.model._meta.label for i in admin.site._registry[parent].inlines}
    assert label in inline_models


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_changelist_answers_in_each_language(
    admin_client, one_of_each, model, language
):
    response = speaking(admin_client, language).get(url(model, "changelist"))

    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{language}"' in response.text
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_add_form_answers_in_each_language(
    admin_client, superuser, rf, one_of_each, model, language
):
    request = rf.get("/")
    request.user = superuser
    response = speaking(admin_client, language).get(url(model, "add"))

    if not admin.site._registry[model].has_add_permission(request):
        # Feedback comes only from residents; the admin refuses to add it.
        assert response.status_code == HTTPStatus.FORBIDDEN
        return
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{language}"' in response.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_change_form_answers_in_each_language(
    admin_client, one_of_each, model, language
):
    record = model._default_manager.order_by("pk").first()

    response = speaking(admin_client, language).get(url(model, "change", record.pk))

    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{language}"' in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_chinese_and_english_change_lists_differ(admin_client, one_of_each, model):
    chinese = speaking(admin_client, "zh-hans").get(url(model, "changelist")).text
    english = speaking(admin_client, "en").get(url(model, "changelist")).text

    assert '<html lang="zh-hans"' in chinese
    assert '<html lang="en"' in english
    assert "注销" in chinese
    assert "注销" not in english
    assert "Log out" in english


def test_bilingual_fields_sit_side_by_side_with_their_language(admin_client):
    estate = EstateFactory()

    response = speaking(admin_client, "en").get(url(Estate, "change", estate.pk))

    assert 'class="form-row field-name_zh_hans field-name_en"' in response.text
    assert "Name (Chinese)" in response.text
    assert "Name (English)" in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, superuser, model):
    make_one_of_each()
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url(model, "changelist"))
    make_one_of_each()

    with CaptureQueriesContext(connection) as two:
        admin_client.get(url(model, "changelist"))

    assert len(two) == len(one)


@pytest.mark.parametrize("rows", [1, 50])
def test_estate_changelist_runs_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, rows
):
    for estate in EstateFactory.create_batch(
        rows, property_company=PropertyCompanyFactory()
    ):
        StepFactory(estate=estate)

    with django_assert_max_num_queries(ESTATE_CHANGELIST_MAX_QUERIES):
        response = admin_client.get(url(Estate, "changelist"))

    assert len(response.context["cl"].result_list) == rows


@pytest.fixture
def jiudayuan():
    community = CommunityFactory()
    EstateFactory(name_zh_hans="测试花园", community=community)
    return EstateFactory(
        name_zh_hans="九大院", name_en="Jiudayuan", community=community
    )


@pytest.mark.parametrize("query", ["jdy", "JDY", "ｊｄｙ"])
def test_estate_search_finds_compound_by_pinyin_initials(
    admin_client, jiudayuan, query
):
    response = admin_client.get(url(Estate, "changelist"), {"q": query})

    assert list(response.context["cl"].result_list) == [jiudayuan]


@pytest.mark.parametrize("query", ["jiu da yuan", "Jiǔ Dà Yuàn", "jiudayuan"])
def test_estate_search_finds_compound_by_full_pinyin(admin_client, jiudayuan, query):
    response = admin_client.get(url(Estate, "changelist"), {"q": query})

    assert list(response.context["cl"].result_list) == [jiudayuan]


def test_estate_search_finds_compound_by_chinese_name(admin_client, jiudayuan):
    response = admin_client.get(url(Estate, "changelist"), {"q": "九大"})

    assert list(response.context["cl"].result_list) == [jiudayuan]


def test_estate_autocomplete_finds_compound_by_pinyin_initials(admin_client, jiudayuan):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "jdy",
            "app_label": "estates",
            "model_name": "facility",
            "field_name": "estate",
        },
    )

    assert [r["id"] for r in response.json()["results"]] == [str(jiudayuan.pk)]


@pytest.fixture
def procedure():
    """A default template of two steps, one in each of the first two stages."""
    procedure = ProcedureFactory(is_default_template=True)
    StepTemplateFactory(procedure=procedure, stage=Stage.TENDERING, number=1)
    StepTemplateFactory(procedure=procedure, stage=Stage.PREPARATION, number=2)
    return procedure


def test_a_step_marked_done_on_the_checklist_moves_the_stage(admin_client, procedure):
    estate = EstateFactory()
    estate_steps_create(estate=estate, procedure=procedure)
    checklist = url(Estate, "checklist", estate.pk)
    data = checklist_data(admin_client.get(checklist))
    data["steps-0-status"] = StepStatus.DONE
    data["steps-0-done_on"] = "2024-05-01"

    response = admin_client.post(checklist, data)

    assert response.status_code == HTTPStatus.FOUND
    estate.refresh_from_db()
    assert estate.stage == Stage.PREPARATION


def test_the_compound_page_lists_its_steps_and_sends_edits_to_the_checklist(
    admin_client, procedure
):
    estate = EstateFactory()
    estate_steps_create(estate=estate, procedure=procedure)

    html = admin_client.get(url(Estate, "change", estate.pk)).content.decode()

    for step in estate.steps.select_related("template"):
        assert step.template.name_zh_hans in html
    assert url(Estate, "checklist", estate.pk) in html
    assert 'name="steps-0-status"' not in html


def test_create_default_steps_action_creates_sample_steps_that_set_no_stage(
    admin_client, procedure
):
    estate = EstateFactory()

    response = admin_client.post(
        url(Estate, "changelist"),
        {"action": "create_default_steps", "_selected_action": [estate.pk]},
        follow=True,
    )

    estate.refresh_from_db()
    assert list(estate.steps.values_list("number", "is_sample")) == [
        (1, True),
        (2, True),
    ]
    # A sample nobody confirmed says nothing about where the compound is.
    assert estate.stage is None
    assert [m.level for m in response.context["messages"]] == [messages.SUCCESS]


def test_create_default_steps_action_reports_missing_default_template(admin_client):
    ProcedureFactory(is_default_template=False)
    estate = EstateFactory()

    response = speaking(admin_client, "en").post(
        url(Estate, "changelist"),
        {"action": "create_default_steps", "_selected_action": [estate.pk]},
        follow=True,
    )

    assert [m.level for m in response.context["messages"]] == [messages.ERROR]
    assert "There is no default procedure template" in response.text
    assert not estate.steps.exists()


def test_saving_a_step_on_its_own_page_moves_the_estate_stage(admin_client, procedure):
    estate = EstateFactory()
    first, _second = estate_steps_create(estate=estate, procedure=procedure)
    change_url = url(Step, "change", first.pk)
    data = form_data(admin_client.get(change_url))
    data["status"] = StepStatus.DONE
    data["done_on"] = "2024-05-01"

    admin_client.post(change_url, data)

    estate.refresh_from_db()
    assert estate.stage == Stage.PREPARATION


def test_a_step_marked_done_without_its_date_is_refused_and_nothing_moves(
    admin_client, procedure
):
    estate = EstateFactory()
    first, _second = estate_steps_create(estate=estate, procedure=procedure)
    change_url = url(Step, "change", first.pk)
    data = form_data(admin_client.get(change_url))
    data["status"] = StepStatus.DONE

    response = speaking(admin_client, "en").post(change_url, data)

    first.refresh_from_db()
    assert response.status_code == HTTPStatus.OK
    assert "Give the date the step was done." in response.text
    assert first.status == StepStatus.PENDING


def test_mark_done_action_moves_the_estate_stage(admin_client, procedure):
    estate = EstateFactory()
    first, _second = estate_steps_create(estate=estate, procedure=procedure)

    admin_client.post(
        url(Step, "changelist"),
        {"action": "mark_done", "_selected_action": [first.pk]},
    )

    first.refresh_from_db()
    estate.refresh_from_db()
    assert (first.status, first.done_on is not None) == (StepStatus.DONE, True)
    assert estate.stage == Stage.PREPARATION


def test_sub_team_added_inline_takes_its_team_subdistrict(admin_client):
    team = OrganisationFactory()
    change_url = url(Organisation, "change", team.pk)
    data = form_data(admin_client.get(change_url))
    data.update(
        {
            "sub_teams-TOTAL_FORMS": "1",
            "sub_teams-0-name_zh_hans": "测试分队",
            "sub_teams-0-kind": "volunteer_sub_team",
        }
    )

    admin_client.post(change_url, data)

    assert team.sub_teams.get().subdistrict == team.subdistrict


def test_community_council_form_rejects_missing_community(admin_client):
    council = CouncilFactory()
    change_url = url(Council, "change", council.pk)
    data = form_data(admin_client.get(change_url))
    data.update({"level": CouncilLevel.COMMUNITY, "community": ""})

    response = speaking(admin_client, "en").post(change_url, data)

    assert response.status_code == HTTPStatus.OK
    assert "A community-level council must name its community." in response.text


def test_admin_pages_offer_the_language_switch(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert f'action="{reverse("set_language")}"' in response.text
    assert 'name="language" value="en"' in response.text
    assert f'name="next" value="{reverse("admin:index")}"' in response.text


def test_login_page_offers_the_language_switch(client):
    response = client.get(reverse("admin:login"))

    assert 'name="language" value="en"' in response.text


def test_language_switch_turns_the_admin_english(admin_client):
    assert '<html lang="zh-hans"' in admin_client.get(reverse("admin:index")).text

    response = admin_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:index")}
    )
    page = admin_client.get(response.url)

    assert response.url == reverse("admin:index")
    assert '<html lang="en"' in page.text
    assert "Log out" in page.text


def test_language_switch_turns_the_admin_back_to_chinese(admin_client):
    speaking(admin_client, "en")

    admin_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/admin/"}
    )
    page = admin_client.get(reverse("admin:index"))

    assert '<html lang="zh-hans"' in page.text


def test_step_inline_offers_templates_without_a_query_per_row(
    admin_client, procedure, django_assert_max_num_queries
):
    many = ProcedureFactory(is_default_template=False)
    for number in range(1, 31):
        StepTemplateFactory(procedure=many, number=number)
    estate = EstateFactory()
    estate_steps_create(estate=estate, procedure=many)

    with django_assert_max_num_queries(25):
        response = admin_client.get(url(Estate, "change", estate.pk))

    assert response.status_code == HTTPStatus.OK


def test_estate_change_form_shows_search_keys(admin_client, jiudayuan):
    response = admin_client.get(url(Estate, "change", jiudayuan.pk))

    assert "|jdy|" in response.text
