"""The load plan: which command goes to which room and socket at which time, and who gets it.

Tick i is sent i / rate s after the start, to room i mod R (a room is an exercise, or a chat
room of the baseline), whatever the server answers: an open loop. The expected deliveries of
a tick are counted when it is sent, from the audience rules of docs/protocol.md (the app) or
"everyone in the room, the sender too" (the chat).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .client import Sock
from .common import FILLER, TOKEN


@dataclass(frozen=True)
class Room:
    """Where a room's sockets connect and one session cookie per participant (None: no login)."""

    path: str
    cookies: list[str | None]
    hotlines: list[dict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Command:
    sock: Sock  # who sends it
    payload: str  # the WebSocket text frame
    kind: str  # "inject", "hotline" (the app) or "chat"
    audience: tuple[str, ...] | None  # the teams that see it; None: every socket of the room


def sockets_for(rooms: list[Room]) -> list[list[Sock]]:
    """One group of sockets per room, numbered across all rooms."""
    groups: list[list[Sock]] = []
    count = 0
    for ei, room in enumerate(rooms):
        groups.append([Sock(count + k, ei, room.path, c) for k, c in enumerate(room.cookies)])
        count += len(room.cookies)
    return groups


class Timetable:
    """The ticks of one run; subclasses say what tick i sends."""

    def __init__(self, groups: list[list[Sock]], rate: float, duration: float):
        self.groups = groups
        self.rate = rate
        self.total = int(round(rate * duration))
        self._sent_in_room = [0] * len(groups)

    def offset(self, i: int) -> float:
        """Seconds after the start at which tick i is due."""
        return i / self.rate

    def command(self, i: int) -> tuple[int, Command]:
        """Tick i's room and command."""
        room = i % len(self.groups)
        k = self._sent_in_room[room]
        self._sent_in_room[room] += 1
        return room, self._command(i, room, k)

    def _command(self, i: int, room: int, k: int) -> Command:
        raise NotImplementedError

    def expected(self, room: int, audience: tuple[str, ...] | None) -> int:
        """Deliveries due: the open sockets of the room that may see it."""
        return sum(
            1
            for s in self.groups[room]
            if not s.closed and (audience is None or s.control or s.team in audience)
        )


class AppTimetable(Timetable):
    """Each exercise alternates an `inject.send` to all from its facilitator and a
    `hotline.send` from a player whose team is on the hotline, rotating over every
    (player, hotline) pair. Needs the sockets' roles and teams, so build it after the welcomes.
    """

    def __init__(self, groups: list[list[Sock]], rooms: list[Room], rate: float, duration: float):
        super().__init__(groups, rate, duration)
        self.facilitators = [next(s for s in group if s.role == "facilitator") for group in groups]
        self.pairs = [
            [
                (s, h["id"], tuple(h["members"]))
                for s in group
                if s.role == "player"
                for h in room.hotlines
                if s.team in h["members"]
            ]
            for group, room in zip(groups, rooms, strict=True)
        ]

    def _command(self, i: int, room: int, k: int) -> Command:
        text = f"{TOKEN}{i} {FILLER}"
        pairs = self.pairs[room]
        if k % 2 == 0 or not pairs:
            frame = {
                "id": f"b{i}",
                "type": "inject.send",
                "data": {"to": "all", "title": f"Bench inject {i}", "body": text},
            }
            return Command(self.facilitators[room], json.dumps(frame), "inject", None)
        sock, hotline, audience = pairs[(k // 2) % len(pairs)]
        frame = {"id": f"b{i}", "type": "hotline.send", "data": {"hotline": hotline, "text": text}}
        return Command(sock, json.dumps(frame), "hotline", audience)


class ChatTimetable(Timetable):
    """Each room's sockets take turns sending the bare text; everyone in the room gets it."""

    def _command(self, i: int, room: int, k: int) -> Command:
        group = self.groups[room]
        return Command(group[k % len(group)], f"{TOKEN}{i} {FILLER}", "chat", None)
