"""The Celery app: in production a worker runs the game-clock tick beat schedules each second."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

app = Celery("wargame")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_to_start_without_a_secret_key(**kwargs):
    from wargame.startup import require_secret_key

    require_secret_key()
