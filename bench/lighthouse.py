"""``make lighthouse``: Lighthouse scores and page weight, mobile profile (issue 7).

Builds a throw-away SQLite database with the source data, serves it with
gunicorn as production would (``DEBUG=0``, WhiteNoise's compressed and hashed
static files) on loopback, and runs Lighthouse with the system Chromium
(``CHROME_PATH``, default /usr/bin/chromium) on the home page, an estate page, a
lane page and the case study, in Chinese and in English. Prints the four scores
and the bytes transferred per page beside their targets, and writes them to
``bench/results/lighthouse-<UTC date and time>.json``.

``--map`` (``make lighthouse LIGHTHOUSE_ARGS=--map``) measures the home page
with the tile map on it instead (issue 19): tiles from a local server, a few
compounds given coordinates; results in ``lighthouse-<date>-map.json``.

Lighthouse comes from npm into ``.cache/lighthouse`` (not committed) the first
time; nothing is loaded from a CDN by the pages themselves.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import ROOT, Server, free_port, log, manage  # noqa: E402

LIGHTHOUSE_DIR = ROOT / ".cache" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 95}
WEIGHT_KB = {"home": 150, "estate page": 250}
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def ensure_lighthouse() -> None:
    if not Path(CHROME).exists():
        sys.exit(
            f"No Chromium at {CHROME}: apt-get install chromium, or set CHROME_PATH."
        )
    if LIGHTHOUSE.exists():
        return
    if shutil.which("npm") is None:
        sys.exit("npm is missing: install Node.js to run Lighthouse.")
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    log("Installing Lighthouse into .cache/lighthouse")
    subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "lighthouse@12"],
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )


def slugs(env: dict) -> tuple[str, str]:
    out = manage(
        env,
        "shell",
        "-c",
        "from estates.models import Estate; from lanes.models import Lane; "
        "print(Estate.objects.filter(is_synthetic=False)"
        ".order_by('pk').first().slug); "
        "print(Lane.objects.order_by('pk').first().slug)",
    ).stdout.split()
    return out[-2], out[-1]


ACCESSIBILITY_AUDITS = {"target-size", "color-contrast", "label", "link-name"}


def lighthouse(url: str, out: Path) -> dict:
    for attempt in (1, 2):  # Chromium sometimes fails to start on a busy machine
        done = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--form-factor=mobile",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--max-wait-for-load=90000",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": CHROME},
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            break
        log(f"  Lighthouse failed (attempt {attempt}): {done.stderr[-600:]}")
    else:
        return {
            "scores": dict.fromkeys(TARGETS, 0),
            "bytes": 0,
            "not_passed": ["error"],
        }
    report = json.loads(out.read_text())
    scores = {
        key: round((report["categories"][key]["score"] or 0) * 100) for key in TARGETS
    }
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
        and audit["id"] not in ("total-byte-weight",)
    ]
    # Which elements an accessibility audit failed on, to find them.
    elements = {
        audit_id: [
            " / ".join(
                [(item.get("node") or {}).get("snippet", "")[:120]]
                + [
                    str(sub.get("relatedNode", {}).get("snippet", ""))[:120]
                    for sub in (item.get("subItems") or {}).get("items", [])
                ]
            )
            for item in (report["audits"][audit_id].get("details") or {}).get(
                "items", []
            )
        ]
        for audit_id in failed
        if report["audits"][audit_id].get("details", {}).get("type") == "table"
        and audit_id in ACCESSIBILITY_AUDITS
    }
    return {
        "scores": scores,
        "bytes": report["audits"]["total-byte-weight"]["numericValue"],
        "not_passed": failed,
        "elements": elements,
    }


# With --map: the home page with the tile map on it (issue 19), tiles from a
# server of this run's own (tests/browser/tiles.py) and a few of the source
# compounds given made-up coordinates in the throw-away database.
LOCATE_SOME = (
    "from decimal import Decimal; from estates.models import Estate; "
    "rows = list(Estate.objects.order_by('pk')[:5]); "
    "[setattr(e, 'latitude', Decimal('35.75') + Decimal(n) / 250) or "
    "setattr(e, 'longitude', Decimal('114.30') + Decimal(n) / 200) "
    "for n, e in enumerate(rows)]; "
    "Estate.objects.bulk_update(rows, ['latitude', 'longitude'])"
)


def main() -> None:
    with_map = "--map" in sys.argv[1:]
    ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="portal-lighthouse-"))
    tiles = None
    if with_map:
        sys.path.insert(0, str(ROOT))
        from tests.browser.tiles import TileServer

        tiles = TileServer()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "BEHIND_TLS_PROXY": "0",
        "STATIC_ROOT": str(work / "static"),
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        # BENCH=1 serves MEDIA_ROOT as nginx would (the thumbnails).
        "BENCH": "1",
        "MEDIA_ROOT": str(work / "media"),
    }
    env.pop("REDIS_URL", None)
    if tiles is not None:
        env["MAP_TILE_URL"] = f"{tiles.origin}/{{z}}/{{x}}/{{y}}.png"
        env["MAP_TILE_ATTRIBUTION"] = "Test tiles"
    log("Preparing a database with the source data")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_source_data", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    estate, lane = slugs(env)
    if with_map:
        manage(env, "shell", "-c", LOCATE_SOME)
    log("Adding one synthetic compound with nine photos (bench/photo_page.py)")
    manage(env, "generate_synthetic", "--estates", "1", "--verbosity", "0")
    with_photos, thumbnail_bytes = manage(
        env, "shell", "-c", (ROOT / "bench" / "photo_page.py").read_text()
    ).stdout.split()[-2:]
    pages = [
        ("home", ""),
        ("estate page", f"estates/{estate}/"),
        ("estate page", f"estates/{with_photos}/"),
        ("lane page", f"lanes/{lane}/"),
        ("case study", "case-study/"),
    ]
    if with_map:
        pages = [("home", "")]
    port = free_port()
    results = []
    with Server(env, port, page_cache=False):
        for prefix in ("/", "/en/"):
            for name, path in pages:
                url = f"http://127.0.0.1:{port}{prefix}{path}"
                log(f"  {url}")
                found = lighthouse(url, work / "report.json")
                results.append({"page": name, "url": prefix + path, **found})
    shutil.rmtree(work, ignore_errors=True)
    if tiles is not None:
        tiles.close()

    header = "  ".join(f"{key[:13]:>13}" for key in TARGETS)
    print(f"{'page':<28}{header}  {'transferred':>12}")  # noqa: T201
    targets = "  ".join(
        f"{'≥ ' + str(v) if v < 100 else '100':>13}" for v in TARGETS.values()
    )
    print(f"{'target':<28}{targets}")  # noqa: T201
    for r in results:
        cells = []
        for key, target in TARGETS.items():
            score = r["scores"][key]
            mark = "" if score >= target else " MISS"
            cells.append(f"{str(score) + mark:>13}")
        kb = r["bytes"] / 1024
        limit = WEIGHT_KB.get(r["page"])
        weight = f"{kb:.0f} KB" + ("" if limit is None or kb <= limit else " MISS")
        print(f"{r['url']:<28}{'  '.join(cells)}  {weight:>12}")  # noqa: T201
        if r["not_passed"]:
            print(f"{'':<28}not passed: {', '.join(r['not_passed'])}")  # noqa: T201
    # Lighthouse weighs the page as loaded: thumbnails below the fold are
    # lazy and not fetched. Say also what the page weighs with all nine.
    thumbs_kb = int(thumbnail_bytes) / 1024
    for r in results:
        if r["url"].endswith(f"estates/{with_photos}/"):
            whole = r["bytes"] / 1024 + thumbs_kb
            mark = "" if whole <= WEIGHT_KB["estate page"] else " MISS"
            print(  # noqa: T201
                f"{r['url']}: {r['bytes'] / 1024:.0f} KB as loaded; at most "
                f"{whole:.0f} KB{mark} with all nine thumbnails ({thumbs_kb:.0f} KB) "
                f"fetched (target {WEIGHT_KB['estate page']} KB)"
            )
            r["with_all_thumbnails_bytes"] = r["bytes"] + int(thumbnail_bytes)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M")
    suffix = "-map" if with_map else ""
    out = ROOT / "bench" / "results" / f"lighthouse-{stamp}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    log(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
