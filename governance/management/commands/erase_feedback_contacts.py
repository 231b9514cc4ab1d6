"""Erase residents' names and phone numbers from feedback closed long ago (PIPL:
keep personal data no longer than needed). Run it daily, e.g. from cron.

    manage.py erase_feedback_contacts   # FEEDBACK_CONTACT_RETENTION_DAYS
    manage.py erase_feedback_contacts --days 30
    manage.py erase_feedback_contacts --dry-run
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance import services
from governance.models import CLOSED_STATUSES, FeedbackContact


class Command(BaseCommand):
    help = "Erase the contact details of feedback closed more than N days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FEEDBACK_CONTACT_RETENTION_DAYS,
            help="Erase contacts of feedback closed more than this many days ago "
            "(default: FEEDBACK_CONTACT_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count, but erase nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        closed_before = timezone.now() - timedelta(days=days)
        if dry_run:
            count = FeedbackContact.objects.filter(
                feedback__status__in=CLOSED_STATUSES,
                feedback__closed_at__lt=closed_before,
            ).count()
            # Counts only: the output never carries a name or a number.
            self.stdout.write(f"Would erase {count} contact record(s).")
            return
        count = services.feedback_contacts_erase(closed_before=closed_before)
        self.stdout.write(self.style.SUCCESS(f"Erased {count} contact record(s)."))
