"""Each answer binds fields of its own (renovation_portal/api/serializers.py):
the fields are built once per serializer class and copied for each use, a
field that holds other fields (a nested serializer) copied whole, so that no
answer's fields point to another answer's serializer or request."""

import pytest
from django.test import RequestFactory

from estates.api.serializers import EstateDetailSerializer
from tests.estates.factories import EstateFactory, StepFactory

pytestmark = pytest.mark.django_db


def _serializer(estate, host):
    request = RequestFactory().get("/api/v1/estates/", HTTP_HOST=host)
    return EstateDetailSerializer(estate, context={"request": request})


def test_two_answers_share_no_bound_field(settings):
    settings.ALLOWED_HOSTS = ["first.example", "second.example"]
    estate = EstateFactory()
    StepFactory(estate=estate)
    first, second = (
        _serializer(estate, "first.example"),
        _serializer(estate, "second.example"),
    )
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other, name
        assert field.parent is first and other.parent is second
    steps_first = first.fields["steps"]
    steps_second = second.fields["steps"]
    assert steps_first.child is not steps_second.child
    assert steps_first.child.root is first
    assert steps_second.child.root is second


def test_each_answer_links_with_its_own_request(settings):
    settings.ALLOWED_HOSTS = ["first.example", "second.example"]
    estate = EstateFactory()
    first = _serializer(estate, "first.example").data
    second = _serializer(estate, "second.example").data
    assert first == {
        key: value.replace("second.example", "first.example")
        if isinstance(value, str)
        else value
        for key, value in second.items()
    }
    assert "first.example" in str(first)
    assert "second.example" not in str(first)
