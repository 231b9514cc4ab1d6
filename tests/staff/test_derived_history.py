"""A compound's stage, derived from its steps, is in its edit history with the
step that moved it; the history reads in the clerk's words (issue 16,
item 12)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from estates.models import Stage, StepStatus
from estates.services import estate_steps_create
from renovation_portal import history_reasons
from staff.roles import SUBDISTRICT_ADMINISTRATOR
from tests.estates.factories import EstateFactory, ProcedureFactory, StepTemplateFactory
from tests.site.test_admin import form_data, speaking
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(areas):
    """A compound of the user's area with an office's own two-step procedure."""
    procedure = ProcedureFactory(is_default_template=False)
    StepTemplateFactory(
        procedure=procedure, stage=Stage.TENDERING, number=1, name_zh_hans="测试招标"
    )
    StepTemplateFactory(
        procedure=procedure, stage=Stage.PREPARATION, number=2, name_zh_hans="测试进场"
    )
    estate = EstateFactory(community=areas[0].community)
    estate_steps_create(estate=estate, procedure=procedure)
    return estate


@pytest.fixture
def administrator(client, django_user_model, areas):
    user = staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, areas[0])
    client.force_login(user)
    return user


def _mark_done(client, step, day):
    change_url = reverse("admin:estates_step_change", args=[step.pk])
    data = form_data(client.get(change_url))
    data["status"] = StepStatus.DONE
    data["done_on"] = day
    return client.post(change_url, data)


def test_each_stage_change_is_recorded_with_its_step_and_clerk(
    client, administrator, estate
):
    first, second = estate.steps.order_by("number")

    _mark_done(client, first, "2024-05-01")
    _mark_done(client, second, "2024-06-01")

    versions = list(estate.history.order_by("history_date", "history_id"))
    stages = [version.stage for version in versions]
    assert stages[-2:] == [Stage.PREPARATION, Stage.MANAGEMENT]
    newest = versions[-1]
    assert newest.history_user == administrator
    # Stored as a short code (a long step name would not fit the history's
    # 100 characters), worded when read.
    assert len(newest.history_change_reason) <= 100
    (reason,) = history_reasons.in_words([newest.history_change_reason])
    assert "测试进场" in reason and "2" in reason
    # Not a staff edit of the compound: nobody's open form is refused for it.
    estate.refresh_from_db()
    assert estate.version == versions[0].version


def test_the_history_page_words_the_change_and_has_no_none(
    client, administrator, estate
):
    _mark_done(client, estate.steps.get(number=1), "2024-05-01")

    response = speaking(client, "zh-hans").get(
        reverse("admin:estates_estate_history", args=[estate.pk])
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "None" not in html
    # The stage by its label, never its stored code; the headers in Chinese.
    assert "招投标&nbsp;&rarr;&nbsp;&nbsp;开工前准备" in html
    assert ">tendering<" not in html
    for english in ("Changes", "Change reason", "Changed by"):
        assert english not in html
    assert "测试招标" in html
    assert "根据实施步骤确定阶段" in html or "实施步骤" in html


def test_the_history_gives_the_portals_reason_in_the_readers_language(
    client, administrator, estate
):
    """The stage's reason was stored in Chinese and shown so to an English
    reader (issue 16, item 5)."""
    _mark_done(client, estate.steps.get(number=1), "2024-05-01")
    url = reverse("admin:estates_estate_history", args=[estate.pk])

    english = speaking(client, "en").get(url).content.decode()
    chinese = speaking(client, "zh-hans").get(url).content.decode()
    assert "Stage worked out from the steps: pre-construction preparation" in english
    assert "was saved as done" in english
    assert "portal:stage" not in english and "portal:stage" not in chinese
    assert "Stage worked out" not in chinese


def test_a_reason_a_person_typed_is_shown_as_stored():
    assert history_reasons.in_words(["改正错别字", None, "portal:unknown:1"]) == [
        "改正错别字",
        "—",
        "portal:unknown:1",
    ]
