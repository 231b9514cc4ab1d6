"""``/api/v1/programmes/``, the ``programme`` filter of the other resources,
``/api/v1/stats/?programme=`` and the open data per programme (issue 15,
item 7)."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def get(client, url: str, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == HTTPStatus.OK, (url, response.content[:300])
    return response.json()


def test_programme_list_counts_each_programmes_named_compounds(client, source_data):
    answer = get(client, "/api/v1/programmes/?page_size=50")
    counts = {row["slug"]: row["members_count"] for row in answer["results"]}
    assert counts["caidian-2022"] == 16
    assert counts["longsha-2022"] == 22
    assert counts["shuangtaizi"] == 0


def test_programme_detail_gives_each_figure_with_precision_and_source(
    client, source_data
):
    answer = get(client, "/api/v1/programmes/longsha-2022/?lang=en")
    households = next(
        f for f in answer["figures"] if f["measure"] == "households" and not f["batch"]
    )
    assert households["value"] == 14800
    assert households["precision"] == "about"
    assert households["text"] == "about 14,800 households"
    assert households["source"] in {s["key"] for s in answer["sources"]}
    assert answer["stages"]["tendering"] == 22


def test_programme_detail_words_figures_in_chinese(client, source_data):
    answer = get(client, "/api/v1/programmes/shuangtaizi/?lang=zh-hans")
    texts = {f["text"] for f in answer["figures"] if f["batch"] == "year:2019"}
    assert "9000余户" in texts
    assert {b["ref"] for b in answer["batches"]} == {
        "year:2019",
        "year:2020",
        "year:2021",
        "year:2022",
    }


def test_an_undisclosed_figure_is_null(client, source_data):
    answer = get(client, "/api/v1/programmes/liyanglu/")
    figure = next(f for f in answer["figures"] if f["key"] == "households-benefiting")
    assert figure["value"] is None


def test_programme_detail_points_at_its_compounds(client, source_data):
    answer = get(client, "/api/v1/programmes/caidian-2022/")
    members = get(client, answer["members"])
    assert members["count"] == 16


@pytest.mark.parametrize(
    ("resource", "programme", "count"),
    [
        ("estates", "qingyuan-2023", 7),
        ("lanes", "liyanglu", 4),
        ("lanes", "caidian-2022", 0),
        ("facilities", "liyanglu", 2),
        ("events", "liyanglu", 1),
        # Jiankang Community, the one the source names.
        ("communities", "xingqing-2019", 1),
    ],
)
def test_resources_filter_by_programme(client, source_data, resource, programme, count):
    answer = get(client, f"/api/v1/{resource}/?programme={programme}")
    assert answer["count"] == count


def test_an_unknown_programme_filters_everything_out(client, source_data):
    assert get(client, "/api/v1/lanes/?programme=nowhere")["count"] == 0


def test_stats_within_one_programme(client, source_data):
    answer = get(client, "/api/v1/stats/?programme=caidian-2022&lang=en")
    assert answer["programme"]["slug"] == "caidian-2022"
    assert answer["records"]["estates"] == 16
    assert answer["records"]["estates_by_stage"]["construction"] == 16
    assert {f["measure"] for f in answer["figures"]} >= {"compounds", "households"}


def test_stats_everywhere_counts_the_programmes(client, source_data):
    answer = get(client, "/api/v1/stats/")
    assert answer["programme"] is None
    assert answer["records"]["programmes"] == 7


def test_open_data_figures_of_one_programme_keep_their_precision(client, source_data):
    response = client.get("/data/figures.csv?programme=shuangtaizi")
    assert response.status_code == HTTPStatus.OK
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["programme"] for row in rows} == {"shuangtaizi"}
    assert {"at_least", "exact"} <= {row["precision"] for row in rows}


def test_open_data_compounds_of_one_programme(client, source_data):
    answer = get(client, "/data/programme-compounds.json?programme=caidian-2022")
    assert len(answer["records"]) == 16
    assert {r["reported_stage"] for r in answer["records"]} == {"construction"}


def test_open_data_page_links_each_programmes_files(client, source_data):
    html = client.get("/en/data/").content.decode()
    assert "/en/data/figures.csv?programme=xingqing-2019" in html


def test_open_data_for_an_unknown_programme_is_not_found(client, source_data):
    response = client.get("/data/figures.csv?programme=nowhere")
    assert response.status_code == HTTPStatus.NOT_FOUND
