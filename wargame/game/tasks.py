"""Celery tasks. Beat schedules the tick each second (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from wargame.game.actions import tick_running_exercises


@shared_task(name="wargame.game.tasks.tick_running_exercises", ignore_result=True)
def tick_running_exercises_task() -> int:
    return tick_running_exercises()
