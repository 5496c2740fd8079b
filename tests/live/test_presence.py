"""Presence: the socket that connects or leaves reads the online list once and sends it to the
control sockets, which query nothing; when two lists cross, the newer one stays."""

import time

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.live.helpers import cookie_for, join
from wargame.game.models import Participant
from wargame.live.broadcast import presence_message
from wargame.live.hub import running_hub

pytestmark = pytest.mark.django_db(transaction=True)


class PresenceQueries:
    """The queries on Connection rows made on the thread database_sync_to_async uses, where
    the consumers' presence work runs (Django records queries per thread's connection)."""

    def __init__(self):
        self.capture = CaptureQueriesContext(connection)

    async def __aenter__(self):
        await database_sync_to_async(self.capture.__enter__)()
        return self

    async def __aexit__(self, *exc):
        def stop():
            self.capture.__exit__(None, None, None)
            return [q["sql"] for q in self.capture.captured_queries]

        self.queries = await database_sync_to_async(stop)()

    def __len__(self):
        return sum("live_connection" in sql for sql in self.queries)


def observer(exercise, name):
    user = get_user_model().objects.create_user(name, password=f"pw-{name}-1234")
    Participant.objects.create(exercise=exercise, role="observer", user=user, name=name)
    return user


async def online_names(socket, expected):
    """Read presence frames until one lists exactly `expected`."""
    while True:
        frame = await socket.recv()
        if frame["type"] == "presence":
            names = sorted(p["name"] for p in frame["online"])
            if names == sorted(expected):
                return names


async def test_a_change_costs_the_same_queries_with_one_control_socket_or_four(
    exercise, fiona, alice, bob
):
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await online_names(f, ["Fiona"])

    async with PresenceQueries() as with_one:
        a, _ = await join(exercise.pk, await cookie_for(alice))
        await online_names(f, ["Fiona", "Alice"])

    watchers = [
        (await join(exercise.pk, await cookie_for(user)))[0]
        for user in [await database_sync_to_async(observer)(exercise, n) for n in "xyz"]
    ]
    everyone = ["Fiona", "Alice", "x", "y", "z"]
    for socket in (f, *watchers):
        await online_names(socket, everyone)

    async with PresenceQueries() as with_four:
        b, _ = await join(exercise.pk, await cookie_for(bob))
        for socket in (f, *watchers):
            await online_names(socket, [*everyone, "Bob"])

    assert 0 < len(with_one) == len(with_four) <= 3  # write, read the list; none per watcher
    for socket in (f, a, b, *watchers):
        await socket.close()


async def test_a_list_older_than_the_last_one_shown_is_ignored(exercise, fiona):
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await online_names(f, ["Fiona"])
    hub = running_hub()
    now = time.time() + 3600  # later than the list fiona's own connect sent
    hub.receive(exercise.pk, presence_message(now, [{"name": "newer"}]))
    hub.receive(exercise.pk, presence_message(now - 1, [{"name": "older"}]))
    frame = await f.recv()
    assert frame == {"type": "presence", "online": [{"name": "newer"}]}
    assert await f.nothing_more(0.1)
    await f.close()
