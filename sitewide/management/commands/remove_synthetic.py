"""``manage.py remove_synthetic``: delete synthetic rows and nothing else."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sitewide.synthetic.generate import SyntheticDataError
from sitewide.synthetic.remove import synthetic_remove


class Command(BaseCommand):
    help = _(
        "Delete every row marked synthetic (made by generate_synthetic), with "
        "the rows that only belong to them, in one transaction. Real records are "
        "left as they were; a real record that points at a synthetic one loses "
        "that link, or, where it may not, stops the removal with an error."
    )

    def handle(self, *args, **options):
        try:
            deleted = synthetic_remove()
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        for label, count in sorted(deleted.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(_("Synthetic data removed.")))
