"""Celery app: the production shape's worker and beat. The embedded shape runs tasks eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("larmkedjan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
