"""``manage.py setup_roles``: the staff groups and their permissions.

Safe to run again: it leaves each group with exactly its role's permissions.
"""

from django.core.management.base import BaseCommand

from staff.roles import roles_setup


class Command(BaseCommand):
    help = (
        "Create the staff groups (subdistrict administrator, community staff, "
        "quality supervisor, viewer) with their permissions."
    )

    def handle(self, *args, **options):
        for name, count in roles_setup().items():
            if options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {count} permissions")
