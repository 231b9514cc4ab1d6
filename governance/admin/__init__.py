"""The governance app's admin, split by sub-domain (STYLE.md: files past ~400
lines become packages). Importing the modules registers their ModelAdmins."""

from governance.models import Feedback, FeedbackContact
from renovation_portal import exporting

from . import councils, feedback, surveys

# Residents' contact details are never exported; the feedback register has
# its own export (feedback.register_spreadsheet) with its own rules.
exporting.exclude(Feedback, FeedbackContact)

__all__ = ["councils", "feedback", "surveys"]
