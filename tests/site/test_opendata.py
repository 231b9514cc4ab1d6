"""/data/: open data downloads that a spreadsheet and a GIS tool can open."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.core.management import call_command

from tests.estates.factories import EstateFactory, FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_data(db):
    call_command("load_source_data", verbosity=0)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_data_page_lists_every_dataset(client, prefix):
    response = client.get(f"{prefix}/data/")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for name in ("estates", "lanes", "facilities", "events", "figures"):
        assert f"{prefix}/data/{name}.csv" in page
    assert "/api/v1/" in page


def test_english_data_page_has_a_dictionary(client):
    response = client.get("/en/data/")

    assert "Data dictionary: Compounds" in response.content.decode()


def test_csv_starts_with_bom_and_parses(client, source_data):
    response = client.get("/data/estates.csv?programme=liyanglu")

    text = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {row["name_zh_hans"] for row in rows} == {"九大院", "锦绣江南", "佳和豪苑"}


def test_figures_csv_leaves_undisclosed_empty(client, source_data):
    response = client.get("/data/figures.csv")

    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["compounds-renovated"]["value"] == "59"
    assert rows["floor-area-renovated"]["value"] == "785800"
    assert rows["households-benefiting"]["value"] == ""


def test_json_has_dictionary_in_both_languages(client, source_data):
    response = client.get("/data/figures.json")

    body = json.loads(response.content)
    assert {"field", "meaning_zh_hans", "meaning_en", "unit_zh_hans", "unit_en"} == set(
        body["fields"][0]
    )
    values = {r["key"]: r["value"] for r in body["records"]}
    assert values["households-benefiting"] is None


def test_geojson_holds_located_records_longitude_first(client):
    EstateFactory(latitude="35.75", longitude="114.29")
    EstateFactory()

    response = client.get("/data/estates.geojson")

    body = json.loads(response.content)
    assert response["Content-Type"].startswith("application/geo+json")
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.29, 35.75]}


def test_facilities_geojson(client):
    FacilityFactory(latitude="35.7", longitude="114.3")

    body = json.loads(client.get("/data/facilities.geojson").content)

    assert len(body["features"]) == 1


@pytest.mark.parametrize("path", ["/data/events.geojson", "/data/people.csv"])
def test_unknown_download_is_404(client, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "name", ["estates", "lanes", "facilities", "events", "figures"]
)
def test_no_phone_numbers_in_downloads(client, source_data, name):
    text = b"".join(client.get(f"/data/{name}.csv").streaming_content).decode()

    assert "phone" not in text


def test_csv_is_streamed_not_built_in_memory(client):
    EstateFactory()
    response = client.get("/data/estates.csv")
    assert response.streaming


@pytest.mark.parametrize("n", [1, 50])
def test_csv_queries_do_not_grow_with_the_rows(
    client, django_assert_max_num_queries, n, settings
):
    EstateFactory.create_batch(n)
    with django_assert_max_num_queries(1):
        response = client.get("/data/estates.csv")
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == n + 1


def test_csv_quotes_commas_and_leaves_undisclosed_figures_empty(client):
    EstateFactory(name_en="Garden, East", households=None)
    text = b"".join(client.get("/data/estates.csv").streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["name_en"] == "Garden, East"
    assert row["households"] == ""
