"""Django's admin, run on the portal's own admin site (staff two-factor,
:mod:`renovation_portal.staff_otp`). Kept apart from ``apps.py``: Django picks an
app's config from that module only when it holds a single one.

https://docs.djangoproject.com/en/5.2/ref/contrib/admin/#overriding-the-default-admin-site
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default = False
    default_site = "renovation_portal.staff_otp.PortalAdminSite"
