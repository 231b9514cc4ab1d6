"""The OpenAPI schema describes what the endpoints really answer.

Real answers of every endpoint (source data loaded) are validated against
drf-spectacular's schema with schemathesis; then schemathesis generates
requests from the schema, in process against the WSGI app, and checks for
server errors and answers that break the schema. Its example count is kept
small so that ``make test`` stays quick.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks
from werkzeug.test import Client

pytestmark = pytest.mark.django_db

REAL_PATHS = [
    ("/api/v1/", "/api/v1/"),
    ("/api/v1/stats/", "/api/v1/stats/"),
    ("/api/v1/estates/", "/api/v1/estates/?search=jdy"),
    ("/api/v1/estates/", "/api/v1/estates/?lang=all"),
    ("/api/v1/estates/{slug}/", "/api/v1/estates/jiudayuan/"),
    ("/api/v1/estates/{slug}/", "/api/v1/estates/jiudayuan/?lang=all"),
    ("/api/v1/estates/{slug}/", "/api/v1/estates/no-such-estate/"),
    ("/api/v1/estates/", "/api/v1/estates/?lang=xx"),
    ("/api/v1/estates/", "/api/v1/estates/?page=9"),
    ("/api/v1/communities/", "/api/v1/communities/"),
    ("/api/v1/communities/{slug}/", "/api/v1/communities/community-not-disclosed/"),
    ("/api/v1/courtyards/", "/api/v1/courtyards/"),
    ("/api/v1/courtyards/{slug}/", "/api/v1/courtyards/siheyuan/"),
    ("/api/v1/lanes/", "/api/v1/lanes/?lang=en"),
    ("/api/v1/lanes/{slug}/", "/api/v1/lanes/haitangshuxiang/?lang=en"),
    ("/api/v1/events/", "/api/v1/events/"),
    ("/api/v1/events/{slug}/", "/api/v1/events/huanshu-daji/"),
    ("/api/v1/councils/", "/api/v1/councils/"),
    ("/api/v1/meetings/", "/api/v1/meetings/"),
    ("/api/v1/organisations/", "/api/v1/organisations/"),
    ("/api/v1/organisations/{slug}/", "/api/v1/organisations/siheyuan-dangzhibu/"),
    ("/api/v1/facilities/", "/api/v1/facilities/"),
    ("/api/v1/facilities/{slug}/", "/api/v1/facilities/siheyuan-linli-zhongxin/"),
    ("/api/v1/notices/", "/api/v1/notices/"),
]


@pytest.fixture
def wsgi_app():
    """The WSGI app, without closing the test's database connection after each
    request (as Django's test client does), so PostgreSQL keeps the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, db):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


def test_schema_documents_every_resource(api_schema):
    paths = set(api_schema.raw_schema["paths"])

    for resource in (
        "estates",
        "communities",
        "courtyards",
        "lanes",
        "events",
        "councils",
        "meetings",
        "organisations",
        "facilities",
        "notices",
    ):
        assert f"/api/v1/{resource}/" in paths
    assert "/api/v1/stats/" in paths


def test_schema_documents_errors_and_lang_everywhere(api_schema):
    for path, operations in api_schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "429"} <= set(operation["responses"]), (path, method)
            if method == "get":
                assert "404" in operation["responses"], path
            assert "lang" in {p["name"] for p in operation["parameters"]}, path


def test_real_answers_match_the_schema(api_schema, wsgi_app, source_data):
    # One test for all paths: the source data loads once.
    for template, url in REAL_PATHS:
        response = Client(wsgi_app).get(url)
        try:
            api_schema[template]["GET"].validate_response(response)
        except Exception as error:
            raise AssertionError(url) from error


# Built in process, without HTTP, when the module loads: schemathesis's lazy
# fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True)
)


@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_never_fail(case, wsgi_app, source_data):
    response = case.call(app=wsgi_app)

    case.validate_response(
        response,
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )
