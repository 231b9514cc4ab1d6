"""``manage.py import_spreadsheet {estates,works} FILE [--apply]``: the admin's
spreadsheet import, from the command line and with no row limit (the office's
whole register, and the benchmark)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from estates.importing.importers import IMPORTERS, ImportRefused
from estates.importing.reading import ImportFileError
from estates.models import Community, Estate, WorksItem


class Command(BaseCommand):
    help = _(
        "Check a spreadsheet (XLSX or CSV) of compounds or works items as the "
        "admin's import does, and with --apply write it all or nothing. No row "
        "limit. Exits with an error, writing nothing, when any row is rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--apply", action="store_true", help=_("Write the rows (default: preview).")
        )
        parser.add_argument(
            "--user", help=_("Username recorded as the author in the edit history.")
        )
        parser.add_argument(
            "--language",
            choices=["zh-hans", "en"],
            default="zh-hans",
            help=_("Language of the reasons printed."),
        )
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help=_("Mark the records created as synthetic (scale tests)."),
        )

    def handle(self, *args, kind, file, language, **options):
        with translation.override(language):
            self._import(kind, file, **options)

    def _import(self, kind, file, *, apply, user, synthetic, **options):
        author = None
        if user:
            try:
                author = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("Unknown user “%(name)s”.") % {"name": user}
                ) from None
        importer_class = IMPORTERS[kind]
        scopes = {
            Estate: {"communities": Community.objects.all()},
            WorksItem: {"estates": Estate.objects.all()},
        }[importer_class.model]
        # Compounds: keys and grams on the second core (estates.importing.derived).
        worker = {"worker": True} if importer_class.model is Estate else {}
        importer = importer_class(
            queryset=importer_class.model.objects.all(),
            user=author,
            synthetic=synthetic,
            **worker,
            **scopes,
        )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        run = importer.apply if apply else importer.preview
        refused = False
        try:
            preview = run(data, file.name, max_rows=None, max_bytes=None)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except ImportRefused as refusal:
            preview, refused = refusal.preview, True

        counts = preview.counts
        self.stdout.write(
            _(
                "%(rows)d rows: %(created)d to create, %(changed)d to change, "
                "%(unchanged)d unchanged, %(rejected)d rejected."
            )
            % {
                "rows": preview.total,
                "created": counts["create"],
                "changed": counts["change"],
                "unchanged": counts["unchanged"],
                "rejected": counts["reject"],
            }
        )
        for row in preview.rejected:
            for reason in row.reasons:
                self.stdout.write(
                    _("Row %(number)d (%(label)s): %(reason)s")
                    % {
                        "number": row.number,
                        "label": row.label or "—",
                        "reason": reason,
                    }
                )
        if preview.rejected_not_shown:
            self.stdout.write(
                ngettext(
                    "… and %(count)d more rejected row.",
                    "… and %(count)d more rejected rows.",
                    preview.rejected_not_shown,
                )
                % {"count": preview.rejected_not_shown}
            )
        if refused or not preview.can_apply:
            raise CommandError(_("Refused: nothing was written."))
        if apply:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
        else:
            self.stdout.write(_("Preview only: nothing was written. Add --apply."))
