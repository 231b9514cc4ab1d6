"""Public pages show a meeting's agenda and decisions, never who attended
(issue 6, item 7)."""

import json

import pytest

from tests.estates.factories import EstateFactory, ProgrammeFactory
from tests.governance.factories import CouncilFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# Minutes and follow-ups are where a clerk would write names down.
NAMES = "出席：张测试、李测试"


@pytest.fixture
def meeting():
    estate = EstateFactory()
    return MeetingFactory(
        council=CouncilFactory(estates=[estate]),
        attendees_count=12,
        agenda_zh_hans="讨论楼道照明",
        decisions_zh_hans="同意加装感应灯",
        minutes_zh_hans=f"{NAMES}。会上讨论了照明。",
        follow_ups_zh_hans=f"由{NAMES[3:6]}跟进",
    )


@pytest.mark.parametrize("where", ["governance", "estate", "api"])
def test_public_pages_show_agenda_and_decisions_but_no_attendee_names(
    client, meeting, where
):
    estate = meeting.council.estates.get()
    # The governance page lists councils within a programme's area.
    programme = ProgrammeFactory(subdistrict=meeting.council.subdistrict)
    path = {
        "governance": f"/governance/?programme={programme.slug}",
        "estate": estate.get_absolute_url(),
        "api": f"/api/v1/meetings/{meeting.pk}/",
    }[where]
    response = client.get(path)
    assert response.status_code == 200
    if where == "api":
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = response.content.decode()
    assert "讨论楼道照明" in text
    assert "同意加装感应灯" in text
    assert "张测试" not in text
    assert "李测试" not in text
