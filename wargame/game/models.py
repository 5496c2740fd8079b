"""Exercises and their event log. Only wargame.game.actions writes these rows after creation."""

import secrets

from django.conf import settings
from django.db import models

from wargame.scenarios.models import Scenario


def new_join_code() -> str:
    # 72 random bits, URL-safe: unguessable, and short enough to read out or put in a QR code.
    return secrets.token_urlsafe(9)


def new_state_version() -> int:
    return secrets.randbits(63)


class Exercise(models.Model):
    class Status(models.TextChoices):
        SETUP = "setup"
        RUNNING = "running"
        PAUSED = "paused"

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="exercises")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SETUP)
    # The last allocated seq, and the reducer's state after it: a cache of fold(apply, log),
    # updated in the same transaction as each event insert.
    last_seq = models.PositiveBigIntegerField(default=0)
    state = models.JSONField(default=dict)
    # A new random value whenever `state` changes: an append that decided on a state it read
    # earlier goes ahead only if this is unchanged (game.log.append_unlocked).
    state_version = models.BigIntegerField(default=new_state_version)
    # While paused with a maximum length: when the tick resumes the game (from the state).
    resume_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=16)  # the scenario's team id, e.g. "JPN"
    name = models.CharField(max_length=200)
    side = models.CharField(max_length=16)
    join_code = models.CharField(max_length=32, unique=True, default=new_join_code)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "code"], name="team_unique_code")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.exercise_id})"


class Participant(models.Model):
    class Role(models.TextChoices):
        PLAYER = "player"
        FACILITATOR = "facilitator"
        OBSERVER = "observer"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    name = models.CharField(max_length=80)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="player", team__isnull=False) | ~models.Q(role="player"),
                name="participant_player_has_team",
            ),
            models.UniqueConstraint(
                fields=["exercise", "user", "role"],
                condition=models.Q(user__isnull=False),
                name="participant_unique_user_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    @property
    def is_control(self) -> bool:
        return self.role in (self.Role.FACILITATOR, self.Role.OBSERVER)

    @property
    def team_code(self) -> str | None:
        return self.team.code if self.team_id else None


class Event(models.Model):
    """One entry of an exercise's log. seq is 1, 2, 3… per exercise with no gaps."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    at = models.DateTimeField()
    game_time = models.FloatField()  # game seconds since the scenario start
    # RESTRICT: a seat that acted cannot be deleted (nor its user), or the log would lose who
    # did what and the client-id idempotency of its commands. Deleting the whole exercise
    # still deletes its seats and log together.
    actor = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.RESTRICT)
    # "all", "control", or a list of team codes (control always sees everything).
    audience = models.JSONField()
    data = models.JSONField(default=dict)
    # NULL, not "", for events no client sent: NULLs never collide in the unique constraint.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "seq"], name="event_unique_seq"),
            models.UniqueConstraint(
                fields=["exercise", "actor", "client_id"], name="event_unique_client_id"
            ),
        ]
        ordering = ["exercise", "seq"]

    def __str__(self) -> str:
        return f"{self.exercise_id}#{self.seq} {self.type}"


class ScheduledInject(models.Model):
    """An MSEL inject of one exercise; `state` is claimed with a conditional UPDATE on firing."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled"
        HELD = "held"
        RELEASED = "released"
        SKIPPED = "skipped"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="msel")
    inject_id = models.CharField(max_length=16)
    due = models.FloatField()  # game seconds since the scenario start
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    # Edits in stride (title, body, to), also logged as msel.edited; the original stays in the
    # scenario snapshot.
    override = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "inject_id"], name="msel_unique_inject")
        ]
        indexes = [models.Index(fields=["exercise", "state", "due"], name="msel_due_idx")]
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.exercise_id}:{self.inject_id} ({self.state})"


class DelayedMessage(models.Model):
    """A hotline message held back by a facilitator's delay, claimed once when it is due."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    queued_seq = models.PositiveBigIntegerField()  # the hotline.message_queued event
    due = models.FloatField()  # game seconds since the scenario start
    delivered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "queued_seq"], name="delayed_unique_seq")
        ]
        indexes = [models.Index(fields=["exercise", "delivered", "due"], name="delayed_due_idx")]

    def __str__(self) -> str:
        return f"{self.exercise_id}#{self.queued_seq} due {self.due}"
