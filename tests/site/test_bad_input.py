"""Bad input everywhere (issue 8, item 8): Hypothesis throws arbitrary Unicode
— NUL, lone surrogates, right-to-left marks, 1 MB strings — at every public
form and at the API's write endpoint. Never a 500; a refusal stores nothing,
no row and no file.

Browsers send form fields as UTF-8 bytes, so a lone surrogate reaches a form
only as the bytes a careless encoder makes of it (``surrogatepass``); JSON can
carry one as an escape (``"\\ud800"``). Run on PostgreSQL too: it refuses NUL
in text, where SQLite stores it.
"""

import json
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import (
    Feedback,
    FeedbackCategory,
    FeedbackContact,
    FeedbackPhoto,
    FeedbackStatusChange,
)
from tests.estates.factories import CommunityFactory, EstateFactory
from tests.governance.images import image_bytes

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
        HealthCheck.data_too_large,
    ],
)
MEGABYTE = 1_000_000
FEEDBACK_NEW = "/en/feedback/new/"

# Characters that have broken web applications: NUL, lone surrogates, bidi
# controls, BOM, non-characters, the last code point, markup and quotes.
NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u200f",
    "\u2067",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "\r\n",
    "'",
    '"',
    "<script>",
    "%00",
    "\\",
]


LONG = ["a", "中", "\u202e", "\x00"]


def huge(character: str) -> str:
    return character * MEGABYTE


_ordinary_and_nasty = [
    st.text(max_size=60),
    st.text(
        alphabet=st.one_of(
            st.characters(), st.characters(categories=["Cs", "Cc", "Cf"])
        ),
        max_size=30,
    ),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map(
        "".join
    ),
]
# For bodies (POST): up to 1 MB.
texts = st.one_of(*_ordinary_and_nasty, st.sampled_from(LONG).map(huge))
# For query strings (GET): gunicorn refuses a request line over 4094 bytes
# (limit_request_line), so a 1 MB query never reaches Django; 4000 characters
# is as long as one gets.
query_texts = st.one_of(
    *_ordinary_and_nasty, st.sampled_from(LONG).map(lambda c: c * 4000)
)


def form_body(fields: dict[str, str]) -> str:
    """An urlencoded body, with lone surrogates as the bytes a careless
    encoder would send."""
    return "&".join(
        f"{quote_from_bytes(name.encode())}="
        f"{quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    )


def rows() -> tuple[int, ...]:
    return (
        Feedback.objects.count(),
        FeedbackContact.objects.count(),
        FeedbackPhoto.objects.count(),
        FeedbackStatusChange.objects.count(),
    )


def media_files(media_root) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file()]


@pytest.fixture
def estate():
    return EstateFactory(slug="jiudayuan")


@pytest.fixture
def unlimited(settings):
    """No rate limit in the way of the examples."""
    settings.FEEDBACK_RATE_LIMIT = 10**9


def feedback_fields(estate):
    """The feedback form's fields: each either a plausible value or any text."""
    return st.fixed_dictionaries(
        {
            "estate": st.one_of(st.just(estate.slug), texts),
            "category": st.one_of(st.sampled_from(FeedbackCategory.values), texts),
            "text": st.one_of(st.just("楼道的灯坏了"), texts),
        },
        optional={
            "name": texts,
            "phone": st.one_of(st.just("13812345678"), texts),
            "consent": st.sampled_from(["on", "1", "true", ""]),
        },
    )


# ------------------------------------------------------------------------------
# The feedback form, /feedback/new/
# ------------------------------------------------------------------------------
@pytest.mark.usefixtures("unlimited")
def test_feedback_form_never_fails_and_stores_nothing_when_it_refuses(client, estate):
    @EXAMPLES
    @given(fields=feedback_fields(estate))
    def post(fields):
        cache.clear()
        before = rows()

        response = client.post(
            FEEDBACK_NEW,
            form_body(fields),
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT_LANGUAGE="en",
        )

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        if response.status_code == HTTPStatus.FOUND:
            assert rows()[0] == before[0] + 1
        else:
            assert response.status_code in {
                HTTPStatus.BAD_REQUEST,
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            }
            assert rows() == before

    post()


@pytest.mark.usefixtures("unlimited")
def test_feedback_form_with_a_nul_says_so_and_stores_nothing(client, estate):
    response = client.post(
        FEEDBACK_NEW,
        {"estate": estate.slug, "category": "greening", "text": "灯坏了\x00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Null characters are not allowed." in response.text
    assert rows() == (0, 0, 0, 0)


@pytest.mark.usefixtures("unlimited")
def test_feedback_form_with_a_nul_in_the_compound_is_a_clear_refusal(client, estate):
    response = client.post(
        FEEDBACK_NEW,
        {"estate": f"{estate.slug}\x00", "category": "greening", "text": "灯坏了"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Null characters are not allowed." in response.text
    assert rows() == (0, 0, 0, 0)


@pytest.mark.usefixtures("unlimited")
def test_refused_feedback_with_photos_leaves_no_file_behind(client, estate, settings):
    @EXAMPLES
    @given(
        fields=feedback_fields(estate),
        photo=st.one_of(
            st.just(image_bytes("JPEG")),
            st.binary(max_size=2048),
            st.binary(max_size=64).map(lambda tail: image_bytes("PNG") + tail),
            st.binary(max_size=64).map(lambda tail: b"\xff\xd8\xff" + tail),
        ),
    )
    def post(fields, photo):
        cache.clear()
        before = rows()
        files_before = media_files(settings.MEDIA_ROOT)
        # Multipart, as a browser sends a photo: no lone surrogates here.
        data = {
            name: value.encode("utf-8", "replace").decode()
            for name, value in fields.items()
        }
        data["photos"] = _upload(photo)

        response = client.post(FEEDBACK_NEW, data, HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        if response.status_code == HTTPStatus.FOUND:
            assert rows()[2] == before[2] + 1
            assert len(media_files(settings.MEDIA_ROOT)) == len(files_before) + 2
        else:
            assert rows() == before
            assert media_files(settings.MEDIA_ROOT) == files_before

    post()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")


# ------------------------------------------------------------------------------
# The API's write endpoint, POST /api/v1/feedback/
# ------------------------------------------------------------------------------
json_values = st.one_of(
    texts,
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    # Lists and objects inside each other (issue 22).
    st.recursive(
        st.one_of(st.text(max_size=5), st.integers(), st.none()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.text(max_size=5), inner, max_size=2),
        ),
        max_leaves=8,
    ),
)


def _assert_plain_errors(answer: dict) -> None:
    """Every message a plain sentence: no Python repr of what was sent."""
    for messages in answer.get("errors", {}).values():
        for message in messages:
            assert isinstance(message, str)
            assert "ErrorDetail" not in message and "{0:" not in message


@pytest.mark.usefixtures("unlimited")
def test_feedback_api_never_fails_and_stores_nothing_when_it_refuses(client, estate):
    @EXAMPLES
    @given(
        fields=st.fixed_dictionaries(
            {
                "estate": st.one_of(st.just(estate.slug), json_values),
                "category": st.one_of(st.just("greening"), json_values),
                "text": st.one_of(st.just("楼道的灯坏了"), json_values),
            },
            optional={
                "name": json_values,
                "phone": json_values,
                "consent": json_values,
                "photos": json_values,
                "\x00": json_values,
            },
        )
    )
    def post(fields):
        cache.clear()
        before = rows()

        response = client.post(
            "/api/v1/feedback/",
            # ensure_ascii: a lone surrogate travels as a valid \\ud800 escape.
            json.dumps(fields),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        if response.status_code == HTTPStatus.CREATED:
            assert rows()[0] == before[0] + 1
        else:
            assert response.status_code in {
                HTTPStatus.BAD_REQUEST,
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            }
            assert response.json()["detail"]
            _assert_plain_errors(response.json())
            assert rows() == before

    post()


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize("field", ["estate", "category", "text", "photos", "consent"])
@pytest.mark.parametrize("depth", [2, 21, 600, 5000])
def test_feedback_api_refuses_a_value_nested_at_any_depth(client, estate, field, depth):
    value = estate.slug
    for _ in range(depth):
        value = [value] if depth % 2 else {"x": value}
    fields = {"estate": estate.slug, "category": "greening", "text": "楼道的灯坏了"}
    fields[field] = value

    response = client.post(
        "/api/v1/feedback/",
        json.dumps(fields) if depth < 900 else _deep_json(fields, field, depth),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")
    _assert_plain_errors(response.json())
    assert rows() == (0, 0, 0, 0)


def _deep_json(fields, field, depth):
    """json.dumps itself recurses; build a very deep body as text."""
    nested = "[" * depth + '"x"' + "]" * depth
    rest = {k: v for k, v in fields.items() if k != field}
    return json.dumps(rest)[:-1] + f', "{field}": {nested}}}'


@pytest.mark.parametrize(
    "url",
    ["/estates/" + "宁" * 20_000 + "/", "/en/estates/?q=" + "a" * 100_000],
    ids=["path", "query"],
)
def test_an_over_long_address_is_never_a_500(client, url):
    response = client.get(url)

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize(
    ("bad", "field"),
    [("\x00", f) for f in ("text", "name", "estate", "category")]
    + [("\ud800", f) for f in ("text", "name", "estate")],
    ids=lambda value: {"\x00": "nul", "\ud800": "lone-surrogate"}.get(value, value),
)
def test_feedback_api_refuses_a_bad_character_with_a_message_for_its_field(
    client, estate, bad, field
):
    """A NUL or a lone surrogate in a field: a 400 naming that field, nothing
    stored."""
    fields = {
        "estate": estate.slug,
        "category": "greening",
        "text": "楼道的灯坏了",
        "name": "张",
        "phone": "13812345678",
        "consent": True,
    }
    fields[field] += bad

    response = client.post(
        "/api/v1/feedback/",
        json.dumps(fields),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]
    assert rows() == (0, 0, 0, 0)


# ------------------------------------------------------------------------------
# GET forms and small POST forms: search and filters, feedback look-up,
# the events list, the language switch and elder mode
# ------------------------------------------------------------------------------
def query_string(fields: dict[str, str]) -> str:
    return form_body(fields)


@pytest.fixture
def community():
    return CommunityFactory(slug="liyang")


def test_estate_search_and_filters_never_fail(client, community):
    EstateFactory(community=community)

    @EXAMPLES
    @given(
        fields=st.fixed_dictionaries(
            {},
            optional={
                "q": query_texts,
                "community": st.one_of(st.just(community.slug), query_texts),
                "stage": query_texts,
                "year": st.one_of(st.just("2024"), query_texts),
                "page": st.one_of(st.just("2"), query_texts),
            },
        ),
        language=st.sampled_from(["/", "/en/"]),
    )
    def get(fields, language):
        response = client.get(f"{language}estates/?{query_string(fields)}")

        assert response.status_code == HTTPStatus.OK

    get()


def test_feedback_look_up_never_fails(client, estate):
    @EXAMPLES
    @given(reference=query_texts)
    def get(reference):
        found = client.get(
            f"/en/feedback/find/?{query_string({'reference': reference})}"
        )
        in_path = quote_from_bytes(reference.encode("utf-8", "surrogatepass"), safe="")
        page = client.get(f"/en/feedback/{in_path}/")
        api = client.get(f"/api/v1/feedback/{in_path}/")

        # No feedback exists: nothing is found, whatever was typed.
        assert found.status_code == HTTPStatus.NOT_FOUND
        assert page.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        assert api.status_code in {HTTPStatus.NOT_FOUND, HTTPStatus.MOVED_PERMANENTLY}

    get()


def test_events_list_never_fails(client):
    @EXAMPLES
    @given(fields=st.dictionaries(st.sampled_from(["page", "q", "lane"]), query_texts))
    def get(fields):
        response = client.get(f"/en/events/?{query_string(fields)}")

        assert response.status_code == HTTPStatus.OK

    get()


def test_language_switch_never_fails(client):
    @EXAMPLES
    @given(
        fields=st.fixed_dictionaries(
            {},
            optional={
                "language": st.one_of(st.sampled_from(["en", "zh-hans"]), texts),
                "next": st.one_of(st.sampled_from(["/en/estates/", "/"]), texts),
            },
        )
    )
    def post(fields):
        response = client.post(
            reverse("set_language"),
            form_body(fields),
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code in {
            HTTPStatus.FOUND,
            HTTPStatus.NO_CONTENT,
            HTTPStatus.BAD_REQUEST,
        }

    post()


def test_elder_mode_switch_never_fails(client):
    @EXAMPLES
    @given(
        fields=st.fixed_dictionaries({}, optional={"elder_mode": texts, "next": texts})
    )
    def post(fields):
        response = client.post(
            reverse("elder-mode"),
            form_body(fields),
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST}

    post()


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize(
    ("url", "lang"), [("/en/feedback/new/", "en"), ("/feedback/new/", "zh-Hans")]
)
def test_a_form_too_large_to_read_gets_a_page_in_the_visitors_language(
    client, estate, url, lang
):
    response = client.post(
        url,
        {"estate": estate.slug, "category": "greening", "text": huge("中") * 3},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f'<html lang="{lang}">' in response.text
    assert "The request could not be read" in response.text or lang != "en"
    assert rows() == (0, 0, 0, 0)


@pytest.mark.usefixtures("unlimited")
def test_the_api_answers_a_body_too_large_to_read_in_json(client, estate):
    response = client.post(
        "/api/v1/feedback/",
        json.dumps({"estate": estate.slug, "text": huge("中")}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {
        "detail": "The request is too large.",
        "code": "too_large",
    }
    assert rows() == (0, 0, 0, 0)


@pytest.mark.usefixtures("unlimited")
def test_an_api_error_echoing_a_lone_surrogate_is_valid_json(client, estate):
    response = client.post(
        "/api/v1/feedback/",
        json.dumps({"estate": estate.slug, "category": "\ud800", "text": "灯坏了"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"\\ud800" in response.content
    assert response.json()["errors"]["category"] == ['"\ud800" is not a valid choice.']
    assert rows() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "query",
    [
        "?estate=jiu%00dayuan",
        "?q=%E4%B9%9D%00",
        "?unlisted=1&place=%E9%BB%8E%00",
        "?unlisted=1&subdistrict=1%00",
        "?unlisted=1&district=%00",
    ],
)
def test_the_feedback_form_s_steps_take_a_nul_without_a_server_error(client, query):
    response = client.get(FEEDBACK_NEW + query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == HTTPStatus.OK
