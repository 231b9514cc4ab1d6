"""No programme, place or compound is written into the code (issue 15, item 10).

Programmes are data: the packs under ``packs/`` (and what staff enter). The
names, English names and slugs of every programme, place, compound, courtyard,
facility, lane and organisation in the packs must appear in no module,
template, stylesheet, script or message catalogue outside the packs and the
tests. A docstring's example is code too: examples use names no pack has.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitewide import packs

ROOT = Path(__file__).resolve().parents[2]
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".po", ".toml", ".cfg"}
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git", ".cache"}
# The packs are the data; the tests load and check it.
EXCLUDED = {ROOT / "packs", ROOT / "tests", ROOT / "bench" / "results"}
NAMED_KINDS = (
    "province",
    "city",
    "district",
    "subdistrict",
    "community",
    "programme",
    "compound",
    "courtyard",
    "facility",
    "lane",
    "organisation",
)
NAME_FIELDS = ("name", "short_name")
# Shorter names are too often ordinary words (a two-letter English name).
MIN_CHINESE = 2
MIN_LATIN = 5


def _pack_names() -> dict[str, str]:
    """Every name (and slug) in the packs, with the record it comes from."""
    names: dict[str, str] = {}
    for path in packs.discover(ROOT / "packs"):
        pack = packs.read(path)
        for kind in NAMED_KINDS:
            for _file, _number, entry in pack.records.get(kind, []):
                where = f"{path.name}: [[{kind}]] {entry.get('slug', '')}"
                for field in NAME_FIELDS:
                    value = entry.get(field)
                    texts = value.values() if isinstance(value, dict) else [value]
                    for text in texts:
                        if isinstance(text, str) and text.strip():
                            names[text.strip()] = where
                slug = entry.get("slug")
                if isinstance(slug, str):
                    names[slug] = where
    return {
        name: where
        for name, where in names.items()
        if len(name) >= (MIN_CHINESE if re.search(r"[^\x00-\x7f]", name) else MIN_LATIN)
    }


def _scanned_files():
    for path in ROOT.rglob("*"):
        if path.suffix not in SCANNED_SUFFIXES or not path.is_file():
            continue
        if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            continue
        if any(path.is_relative_to(excluded) for excluded in EXCLUDED):
            continue
        yield path


def test_the_packs_name_programmes_places_and_compounds():
    names = _pack_names()
    # The check below is only as good as this list: it must hold the names
    # of every kind it looks for.
    assert len(names) > 50


def test_no_module_or_template_names_a_programme_place_or_compound():
    names = _pack_names()
    chinese = {n: w for n, w in names.items() if re.search(r"[^\x00-\x7f]", n)}
    latin = {n: w for n, w in names.items() if n not in chinese}
    words = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(n) for n in sorted(latin, key=len, reverse=True))
        + r")(?![\w-])"
    )
    found = []
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        hits = [n for n in chinese if n in text]
        hits += sorted({match.group(1) for match in words.finditer(text)})
        if hits:
            named = ", ".join(f"“{n}” ({names[n]})" for n in hits)
            found.append(f"{path.relative_to(ROOT)}: {named}")
    assert not found, "These files name what belongs in a data pack:\n" + "\n".join(
        found
    )
