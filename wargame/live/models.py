"""What the live app keeps besides the log: open WebSockets, for presence."""

from django.db import models

from wargame.game.models import Exercise, Participant


class Connection(models.Model):
    """An open WebSocket, for presence. Not game state: nothing here is logged."""

    channel_name = models.CharField(max_length=200, unique=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.channel_name}"
