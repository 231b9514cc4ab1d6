"""The satisfaction survey on a phone: answered with JavaScript off by tapping
the worded scores, and its form and results free of WCAG violations (issue 5,
item 4)."""

import datetime
import os
from http import HTTPStatus

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from estates.models import Estate, Stage
from governance.models import SurveyResponse
from tests.governance.factories import SurveyFactory, SurveyResponseFactory

pytestmark = pytest.mark.browser

PREFIXES = ("/", "/en/")
# Set to a folder to keep screenshots of the form and the results.
SHOTS = os.environ.get("SURVEY_SCREENSHOTS", "")


@pytest.fixture
def survey(site):
    estate = Estate.objects.get(slug="jiudayuan")
    estate.stage = Stage.ACCEPTANCE
    estate.save(update_fields=["stage"])
    return SurveyFactory(
        estate=estate, opens_on=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_a_resident_answers_on_a_phone_without_javascript(new_context, survey):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/en/estates/jiudayuan/")
    page.get_by_role("link", name="Rate the renovation").click()

    for question in page.locator("fieldset.score-question").all():
        # The words are the tap target, not only the small circle.
        question.get_by_text("very satisfied", exact=False).last.click()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/survey-form.png", full_page=True)
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your answer"
    )
    answer = SurveyResponse.objects.get()
    assert (answer.works_quality, answer.overall) == (5, 5)


def test_survey_form_and_results_have_no_wcag_violations(context, axe_scan, survey):
    SurveyResponseFactory.create_batch(3, survey=survey, overall=5)
    SurveyResponseFactory.create_batch(2, survey=survey, overall=2)
    page = context.new_page()
    failures = []
    for prefix in PREFIXES:
        for path in ("estates/jiudayuan/", "surveys/jiudayuan/"):
            response = page.goto(prefix + path)
            assert response.status == HTTPStatus.OK, prefix + path
            violations, report = axe_scan(page)
            if violations:
                failures.append(f"{prefix}{path}:\n{report}")
            if SHOTS and path.startswith("estates"):
                page.locator("#satisfaction").screenshot(
                    path=f"{SHOTS}/results{prefix.replace('/', '-')}png"
                )

    assert failures == [], "\n\n".join(failures)
