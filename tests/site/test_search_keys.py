"""Search keys: how a resident says a compound's name becomes a matchable key."""

import pytest

from renovation_portal.search import (
    _grams,
    _readings,
    normalize,
    search_keys,
    slug_pinyin,
    split_aliases,
)


def test_jiudayuan_gets_full_pinyin_and_initials():
    keys = search_keys(["九大院"])
    assert "|jiudayuan|" in keys["pinyin"]
    assert "|jdy|" in keys["initials"]
    assert keys["hanzi"] == "|九大院|"


def test_slug_is_readable_pinyin():
    assert slug_pinyin("九大院") == "jiudayuan"
    assert slug_pinyin("锦绣江南") == "jinxiujiangnan"


def test_initials_keep_y_and_w_syllables():
    # Style.INITIALS would drop the y of 苑 and the w of 文; FIRST_LETTER keeps them.
    keys = search_keys(["文苑"])
    assert "|wy|" in keys["initials"]


def test_polyphonic_character_keeps_every_reading():
    # 乐 reads le or yue; a resident may say either.
    keys = search_keys(["乐园"])
    assert "leyuan" in keys["pinyin"]
    assert "yueyuan" in keys["pinyin"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jiu da yuan", "jiudayuan"),
        ("Jiǔdàyuàn", "jiudayuan"),
        ("ＪＤＹ", "jdy"),
        ("九 大", "九大"),
        ("Lǜ", "lv"),
    ],
)
def test_queries_are_normalised_like_keys(typed, expected):
    assert normalize(typed) == expected


def test_aliases_split_on_lines_and_either_width_of_comma():
    assert split_aliases("老九院\n九院，大院, 北院") == [
        "老九院",
        "九院",
        "大院",
        "北院",
    ]


def test_english_names_become_latin_keys():
    keys = search_keys(["锦绣江南"], ["Jinxiu Jiangnan"])
    assert keys["latin"] == "|jinxiujiangnan|"


def test_readings_list_every_reading_with_the_one_in_context_first():
    # Cached, so given as tuples that no caller can change for the next name.
    assert _readings("长乐苑") == (
        ("chang", "zhang"),
        ("le", "yue"),
        ("yuan", "yu", "yun"),
    )
    assert _readings("长乐苑") is _readings("长乐苑")


def test_grams_are_chinese_bigrams_and_latin_trigrams():
    assert _grams("lv九大ab") == ("v九", "九大", "大a")
    assert _grams("jdyuan") == ("jdy", "dyu", "yua", "uan")
