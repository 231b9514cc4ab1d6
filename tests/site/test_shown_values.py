"""One form per kind of value on every public page, in both languages (issue
16, item 5): every date and time in a <time> element reads as its language
writes dates, with no mix of "Dec. 3, 2026, 1:41 p.m." and "Saturday 5
December 2026" on one page; a choice is shown by its label, never by its
stored value; a count reads as the language writes numbers."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from estates.models import Estate
from governance.models import FeedbackCategory, FeedbackStatus
from governance.models.participation import FeedbackReply, FeedbackStatusChange
from renovation_portal.templatetags.portal import figure, number
from tests.governance.factories import FeedbackFactory, SurveyFactory
from tests.public_pages import PAGES, follow_placeholders

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December"
)
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
DATE_FORMS = {
    "/": re.compile(
        r"\d{4}年\d{1,2}月\d{1,2}日( 星期[一二三四五六日])?( \d{2}:\d{2})?"
    ),
    "/en/": re.compile(
        rf"(({WEEKDAYS}) )?\d{{1,2}} ({MONTHS}) \d{{4}}(, \d{{2}}:\d{{2}})?"
    ),
}


class TimeTexts(HTMLParser):
    """The text of every <time> element of a page, and the terms (<dt>) of
    each of its description lists."""

    def __init__(self):
        super().__init__()
        self.texts, self._open = [], None
        self.lists, self._terms, self._term = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "time":
            self._open = ""
        elif tag == "dl":
            self._terms.append([])
        elif tag == "dt":
            self._term = ""

    def handle_data(self, data):
        if self._open is not None:
            self._open += data
        if self._term is not None:
            self._term += data

    def handle_endtag(self, tag):
        if tag == "time" and self._open is not None:
            self.texts.append(" ".join(self._open.split()))
            self._open = None
        elif tag == "dt" and self._term is not None:
            if self._terms:
                self._terms[-1].append(" ".join(self._term.split()))
            self._term = None
        elif tag == "dl" and self._terms:
            self.lists.append(self._terms.pop())


@pytest.fixture
def records(db):
    call_command("load_source_data", verbosity=0)
    estate = Estate.objects.select_related("community__subdistrict").get(
        slug="jiudayuan"
    )
    SurveyFactory(estate=estate, opens_on=timezone.localdate() - datetime.timedelta(1))
    feedback = FeedbackFactory(
        estate=estate,
        category=FeedbackCategory.LIGHTING,
        status=FeedbackStatus.ACCEPTED,
    )
    FeedbackStatusChange.objects.create(
        feedback=feedback, status=FeedbackStatus.ACCEPTED
    )
    FeedbackReply.objects.create(feedback=feedback, text="已安排维修", is_public=True)
    subdistrict = estate.community.subdistrict
    return {
        "survey": estate.slug,
        "reference": feedback.reference,
        "subdistrict": subdistrict.pk,
        "district": subdistrict.district_id,
        **follow_placeholders(estate),
    }


@pytest.mark.parametrize("prefix", DATE_FORMS)
def test_every_date_on_every_public_page_has_the_languages_one_form(
    client, records, prefix
):
    form = DATE_FORMS[prefix]
    wrong, seen = [], 0
    for path in PAGES:
        response = client.get(prefix + path.format(**records))
        parser = TimeTexts()
        parser.feed(response.text)
        seen += len(parser.texts)
        wrong += [
            f"{path}: {text!r}" for text in parser.texts if not form.fullmatch(text)
        ]
    assert seen > 10, "the pages show dates to check"
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("prefix", DATE_FORMS)
def test_no_list_of_facts_labels_two_rows_alike(client, records, prefix):
    """An event's "When" and "Time" were both 时间: a reader cannot tell
    the two rows apart."""
    twice = []
    for path in PAGES:
        parser = TimeTexts()
        parser.feed(client.get(prefix + path.format(**records)).text)
        for terms in parser.lists:
            twice += [f"{path}: {term}" for term in set(terms) if terms.count(term) > 1]
    assert not twice, "\n".join(twice)


@pytest.mark.parametrize(
    ("prefix", "category", "status"),
    [("/en/", "Lighting", "Accepted"), ("/", "照明", "已受理")],
)
def test_the_feedback_page_shows_labels_not_stored_values(
    client, records, prefix, category, status
):
    response = client.get(f"{prefix}feedback/{records['reference']}/")
    text = response.text
    assert f"<dd>{category}</dd>" in text
    assert f"<dd>{status}</dd>" in text
    assert "<dd>lighting</dd>" not in text and "<dd>accepted</dd>" not in text


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", 250048, "250,048"),
        ("zh-hans", 250048, "250048"),
        ("zh-hans", 250000, "25万"),
        ("zh-hans", 115300000, "1.153亿"),
        ("en", 115300000, "115,300,000"),
    ],
)
def test_counts_read_as_the_language_writes_them(language, value, shown):
    with translation.override(language):
        assert number(value) == shown


@pytest.mark.parametrize(
    ("language", "value", "unit", "shown"),
    [
        ("zh-hans", 1_200_000, "元", "120万元"),
        ("en", 1_200_000, "yuan", "1,200,000 yuan"),
        ("zh-hans", 6820, "m²", "6820 m²"),
    ],
)
def test_figures_use_wan_where_a_chinese_writer_would(language, value, unit, shown):
    with translation.override(language):
        assert str(figure(value, unit)) == shown


def test_the_english_compound_list_groups_its_count(client, records):
    from tests.estates.factories import EstateFactory

    community = Estate.objects.get(slug="jiudayuan").community
    EstateFactory.create_batch(1000 - Estate.objects.count(), community=community)
    assert "1,000 compounds found" in client.get("/en/estates/").text
    assert "找到1000个小区" in client.get("/estates/").text


class ChineseText(HTMLParser):
    """Text on an English page that is mostly Chinese and not marked as
    Chinese (lang="zh-Hans"): content without its English, shown as if it
    were English to a screen reader and with no "(in Chinese)" note."""

    HAN = re.compile(r"[\u3400-\u9fff]")
    VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "col"}

    def __init__(self):
        super().__init__()
        self.stack, self.unmarked = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        han = len(self.HAN.findall(data))
        if han == 0 or han <= len(re.findall(r"[A-Za-z]", data)):
            return  # an English sentence may quote a Chinese term: "余"
        tags = {tag for tag, _lang in self.stack}
        if tags & {"script", "style", "title", "option", "textarea"}:
            return
        langs = [lang for _tag, lang in self.stack if lang]
        if not (langs and langs[-1].lower().startswith("zh")):
            self.unmarked.append(f"{'>'.join(t for t, _ in self.stack[-3:])}: {data}")


def test_chinese_on_an_english_page_is_marked_as_chinese(client, records):
    unmarked = []
    for path in PAGES:
        parser = ChineseText()
        parser.feed(client.get("/en/" + path.format(**records)).text)
        unmarked += [f"{path}: {text.strip()[:60]}" for text in parser.unmarked]
    assert not unmarked, "\n".join(unmarked)
