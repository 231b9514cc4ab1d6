"""``manage.py generate_synthetic --estates N``: synthetic data at scale (issue 7)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sitewide.synthetic.generate import (
    DEFAULT_BATCH_SIZE,
    MAX_ESTATES,
    SyntheticDataError,
    synthetic_estate_count,
    synthetic_generate,
)


class Command(BaseCommand):
    help = _(
        "Create N synthetic compounds with made-up names, and in proportion the "
        "provinces, cities, districts, subdistricts and communities that hold "
        "them, property companies, each compound's steps (from the default step "
        "template), works, photo records, councils with meetings, events and "
        "residents' feedback (without any name or phone number). Every row is "
        "marked synthetic and the site shows a banner while any exists. Needs "
        "the default step template (load_source_data). Runs once: when synthetic "
        "compounds already exist it does nothing if there are at least N of "
        "them, and otherwise refuses; run remove_synthetic first to start again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--estates",
            type=int,
            required=True,
            help=_("How many compounds to create (1 to %(max)d).")
            % {"max": MAX_ESTATES},
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help=_("Random seed: the same seed gives the same data (default 0)."),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=_("Compounds written per transaction (default %(default)d).")
            % {"default": DEFAULT_BATCH_SIZE},
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        wanted = options["estates"]
        existing = synthetic_estate_count()
        if existing >= wanted > 0:
            if verbosity:
                self.stdout.write(
                    _("%(count)d synthetic compounds exist already; nothing to do.")
                    % {"count": existing}
                )
            return

        def progress(message: str) -> None:
            if verbosity:
                self.stdout.write(message)

        try:
            writer = synthetic_generate(
                estates=wanted,
                seed=options["seed"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        if verbosity:
            for label, count in sorted(writer.counts.items()):
                line = f"{label}: {count}"
                if verbosity > 1:
                    line += f" ({writer.seconds.get(label, 0):.1f} s)"
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(_("Synthetic data created.")))
