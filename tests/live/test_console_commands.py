"""Every console command over the WebSocket: it is acked and its event reaches the console; a
bad variant of it gets a specific error and persists nothing. And exercises never mix."""

import pytest
from channels.db import database_sync_to_async

from tests.live.helpers import cookie_for, join
from wargame.game import actions
from wargame.game.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def setup_moves(exercise, fiona, bob):
    actions.do_start_clock(fiona)
    actions.do_skip_inject(fiona, "INJ-01")
    move = actions.do_submit_move(bob, "Escort", "military")
    message = actions.do_send_hotline_message(bob, "acm", "hi")
    return move.seq, message.seq


COMMANDS = [
    ("msel.release", lambda m, h: {"inject": "INJ-03"}, "inject.delivered"),
    ("msel.hold", lambda m, h: {"inject": "INJ-02"}, "msel.held"),
    ("msel.skip", lambda m, h: {"inject": "INJ-02"}, "msel.skipped"),
    ("msel.unskip", lambda m, h: {"inject": "INJ-01"}, "msel.unskipped"),
    ("msel.edit", lambda m, h: {"inject": "INJ-02", "title": "New title"}, "msel.edited"),
    (
        "clock.pause",
        lambda m, h: {"reason": "Lunch", "max_minutes": 30, "freeze_hotlines": True},
        "clock.paused",
    ),
    ("clock.set_compression", lambda m, h: {"compression": 30}, "clock.compression_changed"),
    ("turn.advance", lambda m, h: {}, "turn.advanced"),
    ("hotline.delay", lambda m, h: {"hotline": "acm", "minutes": 15}, "hotline.delay_set"),
    ("hotline.cut", lambda m, h: {"hotline": "jpn-chn"}, "hotline.cut"),
    ("hotline.leak", lambda m, h: {"seq": h, "to": ["CHN"]}, "hotline.leaked"),
    (
        "move.adjudicate",
        lambda m, h: {"move": m, "verdict": "accepted", "outcome": "Done", "publish": True},
        "move.adjudicated",
    ),
    ("note.add", lambda m, h: {"text": "Good cross-talk", "tag": "strength"}, "note.added"),
]


@pytest.mark.parametrize(("kind", "data", "event_type"), COMMANDS, ids=[c[0] for c in COMMANDS])
async def test_console_command_is_acked_and_logged(exercise, fiona, bob, kind, data, event_type):
    move, message = await database_sync_to_async(setup_moves)(exercise, fiona, bob)
    socket, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await socket.send("c1", kind, data(move, message))
    ack = await socket.reply("c1")
    assert ack["type"] == "ack", ack
    [event] = await socket.events(1)
    assert (event["seq"], event["type"]) == (ack["seq"], event_type)
    await socket.close()


REFUSALS = [
    (
        "msel.release",
        {"inject": "NOPE"},
        "invalid",
        "inject: no inject 'NOPE' in this exercise's MSEL",
    ),
    ("msel.hold", {}, "invalid", "data.inject: required field is missing"),
    ("msel.unskip", {"inject": "INJ-02"}, "conflict", "msel.unskip: inject INJ-02 is scheduled"),
    ("msel.edit", {"inject": "INJ-02", "title": 5}, "invalid", "data.title: must be text"),
    (
        "clock.pause",
        {"reason": "x", "max_minutes": "ten"},
        "invalid",
        "data.max_minutes: must be a number",
    ),
    (
        "clock.resume",
        {},
        "conflict",
        "clock.resume: the exercise is already running",
    ),
    (
        "clock.set_compression",
        {"compression": 5000},
        "invalid",
        "data.compression: must be a number from 0.1 to 1440, got 5000",
    ),
    (
        "hotline.delay",
        {"hotline": "nope", "minutes": 5},
        "invalid",
        "hotline: no hotline 'nope' in this exercise",
    ),
    (
        "hotline.restore",
        {"hotline": "acm"},
        "conflict",
        "hotline.restore: hotline 'acm' is already up",
    ),
    (
        "hotline.leak",
        {"seq": 1, "to": "all"},
        "invalid",
        "seq: no hotline message with seq 1 in this exercise",
    ),
    (
        "move.adjudicate",
        {"move": 1, "verdict": "accepted", "outcome": "x"},
        "invalid",
        "move: no move with seq 1 in this exercise",
    ),
    (
        "move.adjudicate",
        {"move": "one", "verdict": "accepted", "outcome": "x"},
        "invalid",
        "data.move: must be a whole number",
    ),
    (
        "note.add",
        {"text": "x", "tag": "rumour"},
        "invalid",
        "data.tag: must be one of improvement, observation, strength, got 'rumour'",
    ),
]


@pytest.mark.parametrize(
    ("kind", "data", "code", "message"), REFUSALS, ids=[f"{r[0]}-{r[2]}" for r in REFUSALS]
)
async def test_console_command_refusals(exercise, fiona, bob, kind, data, code, message):
    await database_sync_to_async(setup_moves)(exercise, fiona, bob)
    before = await database_sync_to_async(Event.objects.count)()
    socket, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await socket.send("c1", kind, data)
    error = await socket.reply("c1")
    assert (error["type"], error["code"], error["message"]) == ("error", code, message)
    assert await database_sync_to_async(Event.objects.count)() == before
    await socket.close()


async def test_player_sees_the_timed_pause_and_frozen_hotlines(exercise, fiona, alice):
    await database_sync_to_async(actions.do_start_clock)(fiona)
    a, _ = await join(exercise.pk, await cookie_for(alice))
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await f.send(
        "p", "clock.pause", {"reason": "Lunch", "max_minutes": 45, "freeze_hotlines": True}
    )
    await f.reply("p")
    [paused] = await a.events(1)
    assert paused["data"]["hotlines_frozen"] is True and paused["data"]["resume_at"]
    a2, welcome = await join(exercise.pk, await cookie_for(alice))
    assert welcome["state"]["pause"]["reason"] == "Lunch"
    assert welcome["state"]["pause"]["hotlines_frozen"] is True
    for socket in (a, a2, f):
        await socket.close()


async def test_two_exercises_on_one_server_never_mix(exercise, scenario, alice, fiona_user):
    other = await database_sync_to_async(actions.do_create_exercise)(scenario, "Other seminar")
    teams = await database_sync_to_async(lambda: {t.code: t for t in other.teams.all()})()
    dave = await database_sync_to_async(actions.do_join_team)(teams["USA"], "Dave")
    a, _ = await join(exercise.pk, await cookie_for(alice))
    d, _ = await join(other.pk, await cookie_for(dave))
    f_other, _ = await join(other.pk, await cookie_for(fiona_user))
    await a.send("m", "hotline.send", {"hotline": "acm", "text": "seminar A only"})
    await a.reply("m")
    assert [e["data"]["text"] for e in await a.events(1)] == ["seminar A only"]
    assert await d.nothing_more()
    # Presence frames of its own seminar may arrive (in any order on Redis); no event from A.
    frames = await f_other.frames_for(0.5)
    assert frames and {f["type"] for f in frames} == {"presence"}, frames
    for socket in (a, d, f_other):
        await socket.close()
