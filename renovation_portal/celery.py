"""The job queue (issue 18): Celery, with the Redis that is already there.

Workers: ``celery -A renovation_portal worker``; the scheduler of the periodic
jobs: ``celery -A renovation_portal beat`` (one per deployment). Without
``CELERY_BROKER_URL`` every job runs in the process that asks for it
(settings.py: ``CELERY_TASK_ALWAYS_EAGER``), so ``make run`` and the tests
need nothing more.
https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation_portal.settings")

app = Celery("renovation_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
