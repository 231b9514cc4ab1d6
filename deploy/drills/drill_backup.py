"""``make drill-backup``: back up the drill database and media, restore both,
and prove the copy identical.

1. Makes sure the drill database exists, is migrated and holds the source data,
   and that there is media: one synthetic feedback with a photo, stored
   through ``governance.services.feedback_submit`` (the photo and its
   thumbnail land in the media folder, as a resident's would).
2. Backs up as the README says: ``pg_dump -Fc`` and ``tar`` of the media folder.
3. Restores into a fresh database (<drill database>_restore) and a fresh
   folder: ``pg_restore --no-owner --exit-on-error`` and ``tar -x``.
4. Compares, table by table, the row count and a content checksum (md5 over
   the md5 of every row's text, in sorted order, so independent of the
   physical order), every sequence's last value, and every media file's
   SHA-256. Identical: PASS.

The restore database and the temporary folders are removed afterwards; the
drill database and its media are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import common
from common import say

MAKE_MEDIA = """
import io, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from estates.models import Estate
from governance import services
from governance.models import Feedback

buffer = io.BytesIO()
Image.new("RGB", (320, 240), (40, 120, 200)).save(buffer, format="JPEG")
photo = SimpleUploadedFile("drill.jpg", buffer.getvalue(), content_type="image/jpeg")
feedback = services.feedback_submit(
    estate=Estate.objects.order_by("pk").first(),
    category="other",
    text="备份演练 backup drill (synthetic)",
    photos=[photo],
)
Feedback.objects.filter(pk=feedback.pk).update(is_synthetic=True)
print(feedback.reference)
"""

TABLES = (
    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
    "ORDER BY tablename"
)
SEQUENCES = (
    "SELECT sequencename || '=' || coalesce(last_value::text, 'unused') "
    "FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"
)


def table_figures(url: str) -> dict[str, tuple[int, str]]:
    figures = {}
    for table in common.psql(url, TABLES).splitlines():
        line = common.psql(
            url,
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '-') "
            f"FROM (SELECT md5(t::text) AS h FROM {table} t) rows",
        )
        count, checksum = line.split("|")
        figures[table] = (int(count), checksum)
    return figures


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.1f} KiB"


def main() -> int:
    url = common.database_url()
    restore_url = common.with_database(url, common.database_name(url) + "_restore")
    work = common.workdir()
    failures: list[str] = []
    try:
        created = common.create_database(url)
        say(f"database {common.database_name(url)}: {'created' if created else 'kept'}")
        env = common.portal_env(
            database=url, redis="", static_root=work / "static", LOG_LEVEL="ERROR"
        )
        common.prepare_database(env)
        made = subprocess.run(
            [common.PYTHON, "-c", MAKE_MEDIA],
            cwd=common.ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "renovation_portal.settings"},
            check=True,
            capture_output=True,
            text=True,
        )
        say(f"feedback with a photo stored: {made.stdout.strip()}")
        media = common.MEDIA_ROOT

        # Back up, as the README says.
        dump, archive = work / "portal.dump", work / "media.tar.gz"
        started = time.monotonic()
        subprocess.run(
            ["pg_dump", "-Fc", "-f", str(dump), common.libpq_url(url)], check=True
        )
        subprocess.run(["tar", "-czf", str(archive), "-C", str(media), "."], check=True)
        say(
            f"backup: {dump.name} {size(dump)}, {archive.name} {size(archive)} "
            f"in {time.monotonic() - started:.1f} s"
        )

        # Restore into a fresh database and a fresh folder.
        started = time.monotonic()
        common.drop_database(restore_url)
        common.create_database(restore_url)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "-d",
                common.libpq_url(restore_url),
                str(dump),
            ],
            check=True,
        )
        restored_media = work / "media-restored"
        restored_media.mkdir()
        subprocess.run(
            ["tar", "-xzf", str(archive), "-C", str(restored_media)], check=True
        )
        say(
            f"restore into {common.database_name(restore_url)} and a fresh folder "
            f"in {time.monotonic() - started:.1f} s"
        )

        # Compare.
        original, copy = table_figures(url), table_figures(restore_url)
        rows = sum(count for count, _ in original.values())
        say(f"tables: {len(original)} ({rows} rows) / restored {len(copy)}")
        for table in sorted(set(original) | set(copy)):
            if original.get(table) != copy.get(table):
                failures.append(
                    f"table {table}: {original.get(table)} != {copy.get(table)}"
                )
        sequences = common.psql(url, SEQUENCES)
        restored_sequences = common.psql(restore_url, SEQUENCES)
        say(f"sequences: {len(sequences.splitlines())}")
        if sequences != restored_sequences:
            failures.append("sequence values differ after the restore")
        files, restored_files = file_hashes(media), file_hashes(restored_media)
        say(f"media files: {len(files)} / restored {len(restored_files)}")
        if not files:
            failures.append("no media file to compare")
        if files != restored_files:
            different = set(files.items()) ^ set(restored_files.items())
            failures.append(f"media differ: {sorted(different)[:5]}")
        identical = not failures
        say(f"row counts and checksums identical: {identical}")
    finally:
        common.drop_database(restore_url)
        shutil.rmtree(work, ignore_errors=True)
        say(f"dropped {common.database_name(restore_url)}, removed {work}")
    return common.verdict("drill-backup", failures)


if __name__ == "__main__":
    os.environ.setdefault("PGCONNECT_TIMEOUT", "10")
    common.run("drill-backup", main)
