"""Values are shown in the form a person writes them (issue 16, item 5): a
figure grouped in thousands, a text that starts with digits as written."""

from decimal import Decimal

import pytest
from django.utils import translation

from renovation_portal.templatetags.portal import figure
from tests.estates.factories import EstateFactory


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (12000, "", "12,000"),
        (Decimal("6820.0"), "m²", "6,820 m²"),
        ("2022年第一批", "", "2022年第一批"),
        ("2019", "", "2019"),
    ],
)
def test_figure_groups_numbers_and_leaves_text_as_written(value, unit, shown):
    with translation.override("en"):
        assert str(figure(value, unit)) == shown


@pytest.mark.django_db
def test_a_batch_named_by_its_year_is_not_shown_as_a_number(client):
    estate = EstateFactory(renovation_batch="2022年第一批")

    html = client.get(f"/estates/{estate.slug}/").content.decode()

    assert "2022年第一批" in html
    assert "2,022" not in html
