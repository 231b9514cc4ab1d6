"""The estates app's admin, split by sub-domain like its models.

Importing the modules registers their ModelAdmins with the default site.
"""

from . import estates, facilities, inspections, places, programmes, progress

__all__ = ["estates", "facilities", "inspections", "places", "programmes", "progress"]
