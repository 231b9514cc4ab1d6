"""The governance app's admin, split by sub-domain (STYLE.md: files past ~400
lines become packages). Importing the modules registers their ModelAdmins."""

from . import councils, feedback, surveys

__all__ = ["councils", "feedback", "surveys"]
