"""Both message catalogues are complete, not fuzzy, and compiled from the .po."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["zh_Hans", "en"]


def _unquote(text: str) -> str:
    return (
        re.sub(r'"\s*\n\s*"', "", text)
        .strip()
        .strip('"')
        .encode("raw_unicode_escape")
        .decode("unicode_escape")
    )


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: each entry's flags, msgid, plural and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line]
        if not lines or all(line.startswith("#~") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        fields = dict(
            re.findall(
                r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+((?:".*"\s*)+)',
                body,
                re.M,
            )
        )
        entry = {key: _unquote(value) for key, value in fields.items()}
        entry["fuzzy"] = "fuzzy" in flags
        entries.append(entry)
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    messages = [e for e in entries if e.get("msgid")]
    assert messages, "catalogue is empty"
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    untranslated = [
        e["msgid"]
        for e in messages
        if not any(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert fuzzy == []
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(folder / "django.po"):
        msgid = entry.get("msgid")
        if not msgid or "msgid_plural" in entry:
            continue
        if "msgctxt" in entry:
            assert compiled.pgettext(entry["msgctxt"], msgid) == entry["msgstr"]
        else:
            assert compiled.gettext(msgid) == entry["msgstr"], msgid


def test_chinese_catalogue_is_actually_chinese():
    entries = parse_po(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    han = re.compile(r"[\u4e00-\u9fff]")
    translated = [
        e
        for e in entries
        if e.get("msgid")
        and han.search(e["msgstr"] if "msgstr" in e else e.get("msgstr[0]", ""))
    ]
    assert len(translated) >= 0.9 * len([e for e in entries if e.get("msgid")])
