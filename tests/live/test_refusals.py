"""Every refusal gets an error frame with a stable code; the socket stays usable and nothing
is persisted."""

import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from tests.live.helpers import connect, cookie_for, join
from wargame.game.models import Event, Exercise

pytestmark = pytest.mark.django_db(transaction=True)


def log_length(exercise_id):
    return database_sync_to_async(
        lambda: (
            Exercise.objects.get(pk=exercise_id).last_seq,
            Event.objects.filter(exercise_id=exercise_id).count(),
        )
    )()


PLAYER_REFUSALS = [
    ("not json", '{"id": "a", "type": ', None, "bad_json", "frame: not valid JSON"),
    (
        "json but not an object",
        "[1, 2]",
        None,
        "invalid",
        "frame: must be a JSON object with id, type and data",
    ),
    (
        "missing id",
        '{"type": "hotline.send", "data": {}}',
        None,
        "invalid",
        "id: must be text of 1 to 64 characters",
    ),
    (
        "id too long",
        json.dumps({"id": "x" * 65, "type": "clock.start"}),
        None,
        "invalid",
        "id: must be text of 1 to 64 characters",
    ),
    (
        "unknown command",
        json.dumps({"id": "u", "type": "nuke.launch", "data": {}}),
        "u",
        "unknown_command",
        "type: unknown command 'nuke.launch'",
    ),
    (
        "data not an object",
        json.dumps({"id": "d", "type": "hotline.send", "data": "hi"}),
        "d",
        "invalid",
        "data: must be a JSON object",
    ),
    (
        "missing field",
        json.dumps({"id": "f", "type": "hotline.send", "data": {"hotline": "acm"}}),
        "f",
        "invalid",
        "data.text: required field is missing",
    ),
    (
        "wrong field type",
        json.dumps({"id": "t", "type": "hotline.send", "data": {"hotline": "acm", "text": 5}}),
        "t",
        "invalid",
        "data.text: must be text",
    ),
    (
        "unknown field",
        json.dumps(
            {
                "id": "k",
                "type": "move.submit",
                "data": {"text": "x", "category": "legal", "urgent": True},
            }
        ),
        "k",
        "invalid",
        "data.urgent: unknown field (allowed: text, category, target)",
    ),
    (
        "unknown hotline",
        json.dumps({"id": "h", "type": "hotline.send", "data": {"hotline": "nope", "text": "x"}}),
        "h",
        "invalid",
        "hotline: no hotline 'nope' in this exercise",
    ),
    (
        "text over 4000 characters",
        json.dumps(
            {"id": "l", "type": "hotline.send", "data": {"hotline": "acm", "text": "x" * 4001}}
        ),
        "l",
        "too_large",
        "data.text: 4001 characters is over the limit of 4000",
    ),
    (
        "frame over 64 KiB",
        json.dumps(
            {"id": "big", "type": "hotline.send", "data": {"hotline": "acm", "text": "x" * 70000}}
        ),
        None,
        "too_large",
        "frame: over the limit of 65536 bytes",
    ),
    (
        "NUL in a text",
        '{"id": "z", "type": "hotline.send", "data": {"hotline": "acm", "text": "a\\u0000b"}}',
        "z",
        "invalid",
        "data.text: must not contain NUL characters",
    ),
    (
        "NUL in the id",
        '{"id": "z\\u0000", "type": "hotline.send", "data": {"hotline": "acm", "text": "x"}}',
        None,
        "invalid",
        "id: must be text of 1 to 64 characters, without NUL characters",
    ),
    (
        "lone surrogate in a text",
        '{"id": "s", "type": "hotline.send", "data": {"hotline": "acm", "text": "\\ud83d"}}',
        "s",
        "invalid",
        "data.text: contains half of a UTF-16 surrogate pair",
    ),
    (
        "lone surrogate in the id",
        '{"id": "\\udc00", "type": "hotline.send", "data": {"hotline": "acm", "text": "x"}}',
        None,
        "invalid",
        "id: contains half of a UTF-16 surrogate pair",
    ),
    (
        "nested ten thousand deep",
        "[" * 10000 + "]" * 10000,
        None,
        "invalid",
        "frame: must be a JSON object with id, type and data",
    ),
    (
        "deep object in data",
        '{"id": "d", "type": "hotline.send", "data": {"hotline": "acm", "text": '
        + '{"a": ' * 5000
        + "1"
        + "}" * 5000
        + "}}",
        "d",
        "invalid",
        "data.text.a.a.a.a.a.a: nested deeper than 8 levels",
    ),
    (
        "deep value in an unknown field",
        '{"id": "u", "type": "clock.start", "extra": ' + "[" * 10000 + "]" * 10000 + "}",
        "u",
        "invalid",
        "extra[…][…][…][…][…][…][…]: nested deeper than 8 levels",
    ),
    (
        "hotline the team is not on",
        json.dumps(
            {"id": "n", "type": "hotline.send", "data": {"hotline": "jpn-chn", "text": "x"}}
        ),
        "n",
        "forbidden",
        "hotline: your team is not on hotline 'jpn-chn'",
    ),
    (
        "facilitator command",
        json.dumps(
            {"id": "i", "type": "inject.send", "data": {"to": "all", "title": "t", "body": "b"}}
        ),
        "i",
        "forbidden",
        "inject.send: not allowed for a player",
    ),
    (
        "unskip",
        json.dumps({"id": "u", "type": "msel.unskip", "data": {"inject": "INJ-01"}}),
        "u",
        "forbidden",
        "msel.unskip: not allowed for a player",
    ),
    (
        "clock command",
        json.dumps({"id": "c", "type": "clock.start"}),
        "c",
        "forbidden",
        "clock.start: not allowed for a player",
    ),
]


@pytest.mark.parametrize(
    ("raw", "frame_id", "code", "message"),
    [case[1:] for case in PLAYER_REFUSALS],
    ids=[case[0] for case in PLAYER_REFUSALS],
)
async def test_player_refusals(exercise, alice, raw, frame_id, code, message):
    socket, _ = await join(exercise.pk, await cookie_for(alice))
    before = await log_length(exercise.pk)
    await socket.send_raw(raw)
    error = await socket.recv()
    assert (error["type"], error["id"], error["code"]) == ("error", frame_id, code)
    assert error["message"].startswith(message)
    assert await log_length(exercise.pk) == before
    # The connection is still usable.
    await socket.send("ok", "hotline.send", {"hotline": "acm", "text": "still here"})
    assert (await socket.reply("ok"))["type"] == "ack"
    await socket.close()


async def test_binary_frames_are_refused(exercise, alice):
    socket, _ = await join(exercise.pk, await cookie_for(alice))
    await socket.comm.send_to(bytes_data=b"\x00\x01")
    error = await socket.recv()
    assert (error["code"], error["message"]) == (
        "bad_json",
        "frame: send JSON text frames, not binary",
    )
    await socket.close()


FACILITATOR_REFUSALS = [
    (
        "inject to unknown team",
        "inject.send",
        {"to": ["KOR"], "title": "t", "body": "b"},
        "invalid",
        "to: unknown team 'KOR' (teams are USA, JPN, CHN)",
    ),
    (
        "inject to an empty list",
        "inject.send",
        {"to": [], "title": "t", "body": "b"},
        "invalid",
        'to: must be "all" or a non-empty list of team ids',
    ),
    (
        "inject with a bad method",
        "inject.send",
        {"to": "all", "title": "t", "body": "b", "method": "fax"},
        "invalid",
        "data.method: must be one of announcement, cable, intel, news, phone, sitrep, social, got 'fax'",
    ),
    (
        "inject with an empty title",
        "inject.send",
        {"to": "all", "title": " ", "body": "b"},
        "invalid",
        "title: must not be empty",
    ),
    (
        "pause before start",
        "clock.pause",
        {"reason": "why"},
        "conflict",
        "clock.pause: the exercise has not started yet",
    ),
    (
        "pause without a reason",
        "clock.pause",
        {},
        "invalid",
        "data.reason: required field is missing",
    ),
    (
        "resume before start",
        "clock.resume",
        {},
        "conflict",
        "clock.resume: the exercise has not started yet",
    ),
    (
        "facilitators do not submit moves",
        "move.submit",
        {"text": "x", "category": "legal"},
        "forbidden",
        "move.submit: not allowed for a facilitator",
    ),
]


@pytest.mark.parametrize(
    ("kind", "data", "code", "message"),
    [case[1:] for case in FACILITATOR_REFUSALS],
    ids=[case[0] for case in FACILITATOR_REFUSALS],
)
async def test_facilitator_refusals(exercise, fiona_user, kind, data, code, message):
    socket, _ = await join(exercise.pk, await cookie_for(fiona_user))
    before = await log_length(exercise.pk)
    await socket.send("x1", kind, data)
    error = await socket.reply("x1")
    assert (error["type"], error["code"], error["message"]) == ("error", code, message)
    assert await log_length(exercise.pk) == before
    await socket.close()


async def test_observers_may_read_but_not_act(exercise, oscar):
    socket, welcome = await join(exercise.pk, await cookie_for(oscar.user))
    assert welcome["you"]["role"] == "observer"
    for kind, data in (
        ("clock.start", {}),
        ("msel.unskip", {"inject": "INJ-01"}),
        ("hotline.send", {"hotline": "acm", "text": "x"}),
    ):
        await socket.send("o", kind, data)
        assert (await socket.reply("o"))["code"] == "forbidden"
    await socket.close()


def _update_user(user, **fields):
    return database_sync_to_async(
        lambda: get_user_model().objects.filter(pk=user.pk).update(**fields)
    )()


@pytest.mark.parametrize(
    ("seat", "change"),
    [
        ("fiona", {"is_staff": False}),
        ("fiona", {"is_active": False}),
        ("oscar", {"is_active": False}),
    ],
)
async def test_a_seat_withdrawn_while_connected_ends_at_the_next_command(
    exercise, fiona, oscar, seat, change
):
    """The seat was created while staff (or active); the open socket does not keep it."""
    participant = {"fiona": fiona, "oscar": oscar}[seat]
    cookie = await cookie_for(participant.user)
    socket, welcome = await join(exercise.pk, cookie)
    assert welcome["you"]["role"] == participant.role
    await _update_user(participant.user, **change)
    before = await log_length(exercise.pk)
    await socket.send("n1", "note.add", {"text": "still here?", "tag": "observation"})
    error = await socket.reply("n1")
    assert (error["code"], error["message"]) == (
        "seat_withdrawn",
        f"note.add: your {participant.role} seat was withdrawn (staff status removed or "
        "account deactivated); nothing was done",
    )
    assert (await socket.comm.receive_output(timeout=5)) == {
        "type": "websocket.close",
        "code": 4403,
    }
    assert await log_length(exercise.pk) == before
    # And at the next handshake (a deactivated user is not even logged in any more).
    again, code = await connect(exercise.pk, cookie)
    assert (again, code) == (None, 4403)


async def test_a_user_who_lost_staff_status_is_not_seated_again_by_connecting(exercise, fiona_user):
    cookie = await cookie_for(fiona_user)
    socket, _ = await join(exercise.pk, cookie)  # seats her as facilitator
    await socket.close()
    await _update_user(fiona_user, is_staff=False)
    assert await connect(exercise.pk, cookie) == (None, 4403)


async def test_a_nul_in_the_session_cookie_is_refused_not_a_server_error(exercise, alice):
    """A quoted cookie value may carry "\\000", which decodes to NUL; PostgreSQL would refuse
    the session query with an error."""
    from channels.testing import WebsocketCommunicator

    from wargame.asgi import application

    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"origin", b"http://127.0.0.1:8000"),
        (b"cookie", b'sessionid="abcdefgh\\000ijklmnop"'),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/exercises/{exercise.pk}/", headers)
    connected, code = await communicator.connect(timeout=5)
    assert (connected, code) == (False, 4403)
    await communicator.disconnect()
