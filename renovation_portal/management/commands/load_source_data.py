"""``manage.py load_source_data``: load the source report's facts (FACTS.md).

The project package wires the apps' loaders together because only it may know
all three apps (estates first: lanes and governance hang off its subdistrict).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from estates import source_data as estates_source
from governance import source_data as governance_source
from lanes import source_data as lanes_source


class Command(BaseCommand):
    help = _(
        "Load the source report's facts about Liyang Road Subdistrict: places, "
        "programme figures, compounds, lanes, organisations and the default step "
        "template. Safe to run again: each record is found by its natural key, so "
        "nothing is created twice. A rerun resets what the report states about "
        "these records (names, descriptions, figures, and figures it names but "
        "does not disclose, which go back to empty), so correct source facts in "
        "the loader rather than in the admin. Fields the report is silent on, "
        "and records staff added, are left alone."
    )

    def handle(self, *args, **options):
        # One transaction: a failure in any app leaves the database as it was.
        with transaction.atomic():
            results = [(_("Compounds and places"), estates_source.load())]
            subdistrict = estates_source.subdistrict_get()
            results.append(
                (_("Themed lanes"), lanes_source.load(subdistrict=subdistrict))
            )
            results.append(
                (_("Governance"), governance_source.load(subdistrict=subdistrict))
            )
        if options["verbosity"] == 0:
            return
        for label, counts in results:
            self.stdout.write(
                _(
                    "%(label)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {"label": label, **counts}
            )
        self.stdout.write(self.style.SUCCESS(_("Source data loaded.")))
