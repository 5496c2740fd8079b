"""One tick of the game clock across every exercise that needs one."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from wargame.game.actions.clock import auto_resume_if_due
from wargame.game.actions.hotlines import deliver_due_messages
from wargame.game.actions.injects import fire_due_injects
from wargame.game.models import Exercise


def tick_running_exercises(now=None) -> int:
    """Fire due injects, deliver due delayed messages, end timed pauses that ran out.
    Returns how many events it appended. Safe to run concurrently (every step claims)."""
    now = now or timezone.now()
    appended = 0
    pending = Exercise.objects.filter(
        Q(status=Exercise.Status.RUNNING) | Q(status=Exercise.Status.PAUSED, resume_at__lte=now)
    ).values_list("pk", "status")
    for exercise_id, status in pending:
        if status == Exercise.Status.PAUSED:
            appended += auto_resume_if_due(exercise_id, now) is not None
        appended += len(fire_due_injects(exercise_id, now))
        appended += len(deliver_due_messages(exercise_id, now))
    return appended
