"""``manage.py load_source_data``: load the data packs (sitewide/packs.py).

Every pack under ``DATA_PACKS_DIR`` (``packs/``), or the pack folders named,
with the portal's default step template, in one transaction.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from estates.defaults import default_procedure_load
from sitewide import packs


class Command(BaseCommand):
    help = _(
        "Load the data packs: the programmes the portal ships with, each from "
        "its sources (every folder under DATA_PACKS_DIR, or the folders named), "
        "and the default step template. Safe to run again: each record is found "
        "by its natural key, so nothing is created twice, and only the fields a "
        "pack gives are written (a figure it marks as not disclosed goes back to "
        "empty). Records staff added, and fields a pack is silent on, are left "
        "alone. Nothing is written when any record is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "packs",
            nargs="*",
            type=Path,
            help=_("Pack folders to load (default: every pack in DATA_PACKS_DIR)."),
        )

    def handle(self, *args, **options):
        paths = options["packs"] or packs.discover()
        try:
            with transaction.atomic():
                procedure = default_procedure_load()
                loader = packs.load_packs(paths)
        except packs.PackError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] == 0:
            return
        rows = [(_("Default step template"), procedure)]
        rows += [
            (
                packs.KINDS_BY_NAME[kind].model_class._meta.verbose_name_plural,
                tally.as_dict(),
            )
            for kind, tally in loader.by_kind.items()
        ]
        for label, counts in rows:
            self.stdout.write(
                _(
                    "%(label)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {"label": label, **counts}
            )
        names = ", ".join(path.name for path in paths)
        self.stdout.write(
            self.style.SUCCESS(_("Data packs loaded: %(names)s.") % {"names": names})
        )
