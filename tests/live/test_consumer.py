"""The exercise WebSocket end to end over the real ASGI app: who may connect, what each
participant receives, resume, idempotency and gap filling."""

import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.utils import timezone

from tests.conftest import on_postgres
from tests.live.helpers import connect, cookie_for, join
from wargame.game import actions
from wargame.game.models import Event, Exercise, ScheduledInject
from wargame.live.broadcast import broadcast_event, event_message
from wargame.live.consumers import QUEUED_FRAMES, TOO_SLOW
from wargame.live.hub import running_hub

pytestmark = pytest.mark.django_db(transaction=True)


async def test_welcome_tells_a_player_who_they_are_and_what_they_may_see(exercise, alice):
    socket, welcome = await join(exercise.pk, await cookie_for(alice))
    assert welcome["last_seq"] == 2
    assert welcome["you"] == {"role": "player", "team": "USA", "name": "Alice"}
    state = welcome["state"]
    assert state["status"] == "setup"
    assert state["briefing"] == "US private brief."
    assert [h["id"] for h in state["hotlines"]] == ["acm"]  # not jpn-chn
    assert "msel" not in state  # the script is never shown to players
    assert state["clock"]["scenario_start"] == "2027-04-12T05:30:00+09:00"
    await socket.close()


async def test_facilitator_welcome_has_every_hotline_and_the_msel(exercise, fiona_user):
    socket, welcome = await join(exercise.pk, await cookie_for(fiona_user))
    assert welcome["you"] == {"role": "facilitator", "team": None, "name": "fiona"}
    assert [h["id"] for h in welcome["state"]["hotlines"]] == ["acm", "jpn-chn"]
    assert [(i["id"], i["state"]) for i in welcome["state"]["msel"]] == [
        ("INJ-01", "scheduled"),
        ("INJ-02", "scheduled"),
        ("INJ-03", "scheduled"),
    ]
    assert welcome["state"]["msel"][0]["expected_action"] == "Japan informs the US."
    await socket.close()


async def test_connections_without_a_seat_are_refused(exercise, alice, oscar_user, scenario):
    other = await database_sync_to_async(actions.do_create_exercise)(scenario, "Other")
    alice_cookie = await cookie_for(alice)
    assert (await connect(exercise.pk, None))[0] is None  # anonymous
    assert (await connect(other.pk, alice_cookie))[0] is None  # seat in another exercise
    assert (await connect(exercise.pk, await cookie_for(oscar_user)))[0] is None  # no seat
    assert (await connect(999999, alice_cookie))[0] is None  # no such exercise
    assert (await connect(exercise.pk, alice_cookie, since="x"))[0] is None  # bad since


async def test_a_seated_participant_with_a_bad_since_is_refused_cleanly(exercise, alice):
    socket, code = await connect(exercise.pk, await cookie_for(alice), since="-3")
    assert socket is None and code == 4403


async def test_a_foreign_origin_is_refused(exercise, alice):
    socket, _ = await connect(exercise.pk, await cookie_for(alice), origin="https://evil.example")
    assert socket is None


async def test_hotline_traffic_reaches_its_teams_and_control_only(
    exercise, alice, bob, carol, fiona, oscar
):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    b, _ = await join(exercise.pk, await cookie_for(bob))
    c, _ = await join(exercise.pk, await cookie_for(carol))
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    o, _ = await join(exercise.pk, await cookie_for(oscar.user))

    await a.send("m1", "hotline.send", {"hotline": "acm", "text": "Share the J2 report?"})
    ack = await a.reply("m1")
    assert ack == {"type": "ack", "id": "m1", "seq": 5}
    for socket in (b, f, o):
        [event] = await socket.events(1)
        assert event["type"] == "hotline.message" and event["seq"] == 5
        assert event["data"] == {
            "hotline": "acm",
            "text": "Share the J2 report?",
            "from_team": "USA",
            "from_name": "Alice",
        }
        assert set(event) == {
            "type",
            "seq",
            "at",
            "game_time",
            "data",
        }  # audience stays server-side
    assert await c.nothing_more()

    await b.send("m2", "hotline.send", {"hotline": "jpn-chn", "text": "Ni hao"})
    await b.reply("m2")
    assert (await c.events(1))[0]["data"]["text"] == "Ni hao"
    assert [e["type"] for e in await a.events(1)] == ["hotline.message"]  # her own acm echo
    assert await a.nothing_more()
    for socket in (a, b, c, f, o):
        await socket.close()


async def test_injects_and_moves_respect_their_audience(exercise, alice, bob, carol, fiona_user):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    b, _ = await join(exercise.pk, await cookie_for(bob))
    c, _ = await join(exercise.pk, await cookie_for(carol))
    f, _ = await join(exercise.pk, await cookie_for(fiona_user))

    await f.send(
        "i1",
        "inject.send",
        {
            "to": ["JPN"],
            "title": "JCG sitrep",
            "body": "Four CCG vessels",
            "method": "sitrep",
            "from": "Japan Coast Guard",
        },
    )
    assert (await f.reply("i1"))["type"] == "ack"
    [inject] = await b.events(1)
    assert inject["type"] == "inject.delivered"
    assert inject["data"]["from"] == "Japan Coast Guard" and inject["data"]["to"] == ["JPN"]

    await c.send("mv", "move.submit", {"text": "Escort the cutters", "category": "military"})
    await c.reply("mv")
    assert [e["type"] for e in await c.events(1)] == ["move.submitted"]
    assert [e["type"] for e in await f.events(2)] == ["inject.delivered", "move.submitted"]
    assert await a.nothing_more() and await b.nothing_more()
    for socket in (a, b, c, f):
        await socket.close()


async def test_clock_events_reach_everyone(exercise, alice, fiona_user):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    f, _ = await join(exercise.pk, await cookie_for(fiona_user))
    await f.send("s", "clock.start")
    await f.reply("s")
    await f.send("p", "clock.pause", {"reason": "Lunch"})
    await f.reply("p")
    events = await a.events(2)
    assert [(e["type"], e["data"]) for e in events] == [
        ("clock.started", {}),
        (
            "clock.paused",
            {"reason": "Lunch", "max_minutes": None, "resume_at": None, "hotlines_frozen": False},
        ),
    ]
    await a.close()
    await f.close()


async def test_resume_with_since_replays_exactly_the_missed_visible_events(
    exercise, alice, bob, fiona
):
    a, welcome = await join(exercise.pk, await cookie_for(alice), since=0)
    history = await a.events(2)  # created, alice joined (bob's join is JPN-only)
    assert [e["seq"] for e in history] == [1, 2]
    await a.send("m1", "hotline.send", {"hotline": "acm", "text": "before the cut"})
    await a.reply("m1")
    seen = (await a.events(1))[0]["seq"]
    await a.close()  # the network drops

    await database_sync_to_async(actions.do_send_hotline_message)(bob, "acm", "while away 1")
    await database_sync_to_async(actions.do_send_inject)(fiona, ["JPN"], "Japan only", "x")
    await database_sync_to_async(actions.do_send_inject)(fiona, "all", "To all", "y")
    await database_sync_to_async(actions.do_send_hotline_message)(bob, "jpn-chn", "not for USA")

    a, welcome = await join(exercise.pk, await cookie_for(alice), since=seen)
    missed = await a.events(2)
    assert [(e["type"], e["data"].get("text") or e["data"].get("title")) for e in missed] == [
        ("hotline.message", "while away 1"),
        ("inject.delivered", "To all"),
    ]
    assert welcome["last_seq"] == missed[-1]["seq"] + 1
    assert await a.nothing_more()
    # ...then live events continue with no gap and no duplicate.
    await database_sync_to_async(actions.do_send_hotline_message)(bob, "acm", "live again")
    [live] = await a.events(1)
    assert live["data"]["text"] == "live again" and live["seq"] == welcome["last_seq"] + 1
    await a.close()


async def test_the_same_command_id_is_acked_once_even_after_a_reconnect(exercise, alice):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    frame = {"hotline": "acm", "text": "exactly once"}
    await a.send("retry-me", "hotline.send", frame)
    first = await a.reply("retry-me")
    await a.send("retry-me", "hotline.send", frame)
    assert await a.reply("retry-me") == first
    await a.close()
    a, _ = await join(exercise.pk, await cookie_for(alice))
    await a.send("retry-me", "hotline.send", frame)
    assert await a.reply("retry-me") == first
    count = await database_sync_to_async(Event.objects.filter(type="hotline.message").count)()
    assert count == 1
    await a.close()


async def test_an_id_reused_for_another_command_is_refused_not_dropped(exercise, bob, fiona):
    a, _ = await join(exercise.pk, await cookie_for(bob))
    await a.send("same", "hotline.send", {"hotline": "acm", "text": "first"})
    first = await a.reply("same")
    await a.send("same", "hotline.send", {"hotline": "acm", "text": "  first  "})
    assert await a.reply("same") == first  # the same text, resent: the same ack
    cases = [
        ("hotline.send", {"hotline": "acm", "text": "second"}),
        ("hotline.send", {"hotline": "jpn-chn", "text": "first"}),
        ("move.submit", {"text": "A move", "category": "diplomatic"}),
    ]
    for kind, data in cases:
        await a.send("same", kind, data)
        error = await a.reply("same")
        assert (error["code"], error["message"]) == (
            "conflict",
            f"id: 'same' was already used for another command (seq {first['seq']}, "
            f"hotline.message); send this {kind} with a new id",
        ), kind
    # Another participant's ids are their own.
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await f.send("same", "note.add", {"text": "fine", "tag": "observation"})
    assert (await f.reply("same"))["type"] == "ack"
    count = await database_sync_to_async(Event.objects.filter(type="hotline.message").count)()
    assert count == 1
    await a.close()
    await f.close()


def hotline_message(seq, text):
    """The message of a hotline event between USA and JPN, as broadcast."""
    return event_message(
        {
            "type": "hotline.message",
            "seq": seq,
            "at": timezone.now().isoformat(),
            "game_time": 0,
            "data": {"hotline": "acm", "text": text},
            "audience": ["USA", "JPN"],
        }
    )


async def test_a_lost_broadcast_is_filled_from_the_log_in_order(exercise, alice):
    """Pub/sub delivers at most once: if seq N's broadcast is lost and N+1 arrives, the
    exercise's stream reads N from the log (once, for every socket) before handing out N+1.
    The fill runs when the test says so, not after a timer."""
    hub = running_hub()
    hub.gap_wait = None  # no timed fill: the test runs it
    a, welcome = await join(exercise.pk, await cookie_for(alice))
    last = welcome["last_seq"]

    def write_two_events():
        # Test setup, not an action: two committed events whose broadcasts we control.
        now = timezone.now()
        for seq, text in ((last + 1, "lost broadcast"), (last + 2, "delivered")):
            Event.objects.create(
                exercise=exercise,
                seq=seq,
                type="hotline.message",
                at=now,
                game_time=0,
                audience=["USA", "JPN"],
                data={"hotline": "acm", "text": text},
            )
        Exercise.objects.filter(pk=exercise.pk).update(last_seq=last + 2)

    await database_sync_to_async(write_two_events)()
    hub.receive(exercise.pk, hotline_message(last + 2, "delivered"))
    assert await a.nothing_more(0.05)  # held: seq N is missing, and no fill is due
    await hub.streams[exercise.pk].fill()
    events = await a.events(2)
    assert [(e["seq"], e["data"]["text"]) for e in events] == [
        (last + 1, "lost broadcast"),
        (last + 2, "delivered"),
    ]
    await a.close()


async def test_a_broadcast_published_from_a_thread_is_delivered(exercise, alice, bob):
    """broadcast_event is the commit hook: from a thread (a page, the clock) it reaches the
    loop's sockets, through Redis when configured."""
    a, welcome = await join(exercise.pk, await cookie_for(alice))
    wire = {
        "type": "hotline.message",
        "seq": welcome["last_seq"] + 1,
        "at": timezone.now().isoformat(),
        "game_time": 0,
        "data": {"hotline": "acm", "text": "from a thread"},
        "audience": ["USA", "JPN"],
    }
    await sync_to_async(broadcast_event, thread_sensitive=False)(exercise.pk, wire)
    [event] = await a.events(1)
    assert (event["seq"], event["data"]["text"]) == (wire["seq"], "from a thread")
    await a.close()


async def test_broadcasts_that_overtake_each_other_are_put_back_in_order(exercise, alice):
    """Two processes publish independently, so seq N+1 can arrive after N+2: N+2 is held back
    until N+1 arrives, without reading the log (these events are only broadcast, never
    written). No timed fill, so this cannot pass or fail by timing."""
    hub = running_hub()
    hub.gap_wait = None
    a, welcome = await join(exercise.pk, await cookie_for(alice))
    last = welcome["last_seq"]

    hub.receive(exercise.pk, hotline_message(last + 2, "second"))
    assert await a.nothing_more(0.05)  # held back, waiting for seq N+1
    hub.receive(exercise.pk, hotline_message(last + 1, "first"))
    hub.receive(exercise.pk, hotline_message(last + 1, "first"))  # a duplicate is dropped
    events = await a.events(2)
    assert [(e["seq"], e["data"]["text"]) for e in events] == [
        (last + 1, "first"),
        (last + 2, "second"),
    ]
    assert "audience" not in events[0]
    assert await a.nothing_more(0.05)
    await a.close()


async def test_control_sees_who_is_online_per_team(exercise, alice, bob, fiona_user):
    f, welcome = await join(exercise.pk, await cookie_for(fiona_user))
    assert welcome["state"]["online"] == []
    frame = await f.recv()
    assert frame["type"] == "presence"
    assert [(p["name"], p["team"]) for p in frame["online"]] == [("fiona", None)]
    a, welcome_a = await join(exercise.pk, await cookie_for(alice))
    assert "online" not in welcome_a["state"]  # players do not get presence
    frame = await f.recv()
    assert sorted((p["name"], p["team"]) for p in frame["online"]) == [
        ("Alice", "USA"),
        ("fiona", None),
    ]
    await a.close()
    frame = await f.recv()
    assert [(p["name"], p["team"]) for p in frame["online"]] == [("fiona", None)]
    await f.close()


async def test_console_commands_over_the_socket(exercise, alice, bob, fiona_user):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    f, _ = await join(exercise.pk, await cookie_for(fiona_user))
    await f.send("cut", "hotline.cut", {"hotline": "acm"})
    assert (await f.reply("cut"))["type"] == "ack"
    [cut] = await a.events(1)
    assert (cut["type"], cut["data"]) == ("hotline.cut", {"hotline": "acm"})
    await a.send("m", "hotline.send", {"hotline": "acm", "text": "anyone?"})
    error = await a.reply("m")
    assert (error["code"], error["message"]) == ("conflict", "hotline: hotline 'acm' is down")
    await f.send("n", "note.add", {"text": "USA tried the cut line", "tag": "observation"})
    assert (await f.reply("n"))["type"] == "ack"
    await f.send("bad", "clock.set_compression", {"compression": True})
    error = await f.reply("bad")
    assert (error["code"], error["message"]) == ("invalid", "data.compression: must be a number")
    assert await a.nothing_more()  # the note is control-only
    await a.close()
    await f.close()


@pytest.mark.skipif(not on_postgres(), reason="SQLite locks the whole database, not one row")
async def test_events_reach_a_client_while_its_own_command_waits_for_the_database(
    exercise, fiona, alice
):
    """A facilitator's command stuck behind a lock must not hold up what others send: the
    command runs in its own task, so the socket keeps receiving."""
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    assert (await f.recv())["type"] == "presence"  # read before the database thread is busy
    locked, release = threading.Event(), threading.Event()

    def hold_the_inject_row():
        try:
            with transaction.atomic():
                ScheduledInject.objects.select_for_update().get(
                    exercise=exercise, inject_id="INJ-01"
                )
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_inject_row)
    holder.start()
    try:
        assert locked.wait(5)
        await f.send("hold-1", "msel.hold", {"inject": "INJ-01"})  # waits for the row

        def alice_says_hello():
            try:
                actions.do_send_hotline_message(alice, "acm", "while you wait")
            finally:
                connection.close()

        await sync_to_async(alice_says_hello, thread_sensitive=False)()
        frame = await f.recv()
        assert (frame["type"], frame["data"]["text"]) == ("hotline.message", "while you wait")
        assert await f.nothing_more()  # the hold is still waiting: no ack yet
    finally:
        release.set()
        holder.join()
    ack = await f.reply("hold-1")  # the msel.held event may come before or after it
    assert ack["type"] == "ack" and ack["seq"] == frame["seq"] + 1
    await f.close()


async def test_commands_sent_without_waiting_are_carried_out_and_answered_in_order(exercise, alice):
    a, _ = await join(exercise.pk, await cookie_for(alice))
    for i in range(10):
        await a.send(f"m{i}", "hotline.send", {"hotline": "acm", "text": f"message {i}"})
    frames = []
    while sum(f["type"] == "ack" for f in frames) < 10:
        frames.append(await a.recv())
    acks = [f for f in frames if f["type"] == "ack"]
    assert [ack["id"] for ack in acks] == [f"m{i}" for i in range(10)]  # answered in order
    a.passed_over.extend(f for f in frames if f["type"] != "ack")
    seqs = [ack["seq"] for ack in acks]
    assert seqs == list(range(seqs[0], seqs[0] + 10))
    events = await a.events(10)
    assert [(e["seq"], e["data"]["text"]) for e in events] == [
        (seq, f"message {i}") for i, seq in enumerate(seqs)
    ]
    await a.close()


async def test_a_socket_that_stops_reading_is_closed_for_it_to_resume(exercise, alice):
    """Its queue is bounded: past QUEUED_FRAMES it is closed (1013), not left with a gap."""
    a, welcome = await join(exercise.pk, await cookie_for(alice))
    hub = running_hub()
    [consumer] = hub.streams[exercise.pk].consumers
    last = welcome["last_seq"]
    for i in range(1, QUEUED_FRAMES + 2):  # no await: the writer cannot drain meanwhile
        consumer.take(hotline_message(last + i, f"#{i}"))
    assert exercise.pk not in hub.streams  # it left the hub at once
    frames = 0
    while True:
        output = await a.comm.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        frames += output["text"].startswith('{"type":"hotline.message"')
    assert (output["code"], frames) == (TOO_SLOW, QUEUED_FRAMES)
    await a.close()
