from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = _("Following compounds")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What a follower is told, subscribed to the events the other apps
        # publish inside their own transactions (renovation_portal/events.py).
        from . import happenings

        happenings.subscribe()
