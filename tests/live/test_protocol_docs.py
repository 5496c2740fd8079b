"""The published protocol agrees with the code: docs/protocol.md's tables and
docs/protocol.schema.json are what the declarations generate, and real frames validate."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from jsonschema import Draft202012Validator

from wargame.game import actions
from wargame.game.events import EVENTS
from wargame.game.log import event_to_wire
from wargame.game.models import Event
from wargame.live.broadcast import to_client_frame
from wargame.live.commands import COMMANDS
from wargame.live.protocol_docs import render_into, schema_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_docs_and_the_schema_are_what_the_declarations_generate():
    markdown = (DOCS / "protocol.md").read_text()
    assert render_into(markdown) == markdown, "run `python manage.py protocol_docs`"
    assert (DOCS / "protocol.schema.json").read_text() == schema_text()
    call_command("protocol_docs", "--check")


def test_the_check_fails_when_a_declaration_changes(tmp_path, settings):
    (tmp_path / "docs").mkdir()
    stale = (DOCS / "protocol.md").read_text().replace("`note.add`", "`note.write`")
    (tmp_path / "docs" / "protocol.md").write_text(stale)
    (tmp_path / "docs" / "protocol.schema.json").write_text(schema_text())
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match="docs/protocol.md disagree"):
        call_command("protocol_docs", "--check")


def test_every_command_and_event_type_is_in_the_tables():
    markdown = (DOCS / "protocol.md").read_text()
    for name in [*COMMANDS, *EVENTS]:
        assert f"| `{name}` |" in markdown


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((DOCS / "protocol.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def frame_schema(validator, name):
    return validator.evolve(schema={**validator.schema, "$ref": f"#/$defs/{name}"})


def test_client_frames_validate_against_the_published_schema(validator):
    client = frame_schema(validator, "ClientFrame")
    good = {"id": "c1", "type": "hotline.send", "data": {"hotline": "acm", "text": "hi"}}
    assert client.is_valid(good)
    assert client.is_valid({"id": "c2", "type": "clock.start"})
    for bad in (
        {**good, "data": {"hotline": "acm", "text": "x" * 4001}},
        {**good, "data": {"hotline": "acm", "text": "a\u0000b"}},
        {**good, "data": {"hotline": "acm"}},
        {**good, "type": "nuke.launch"},
        {**good, "id": ""},
    ):
        assert not client.is_valid(bad), bad


@pytest.mark.django_db
def test_emitted_events_validate_against_the_published_schema(validator, exercise, fiona, alice):
    actions.do_send_hotline_message(alice, "acm", "hello")
    actions.do_send_inject(fiona, ["USA"], "Title", "Body", sender="MOFA")
    actions.do_start_clock(fiona)
    events = frame_schema(validator, "EventFrame")
    frames = [to_client_frame(event_to_wire(e)) for e in Event.objects.order_by("seq")]
    for frame in frames:
        errors = [e.message for e in events.iter_errors(frame)]
        assert not errors, (frame, errors)
    assert not events.is_valid({**frames[-1], "type": "clock.exploded"})


@pytest.mark.django_db
def test_a_fresh_pages_welcome_validates_against_the_published_schema(
    validator, exercise, fiona, alice
):
    from wargame.live.snapshot import welcome_and_backlog

    actions.do_send_hotline_message(alice, "acm", "hello")
    welcome_schema = frame_schema(validator, "Welcome")
    for seat in (alice, fiona):
        welcome, _ = welcome_and_backlog(exercise.pk, seat, None)
        assert "recent" in welcome
        errors = [e.message for e in welcome_schema.iter_errors(welcome)]
        assert not errors, errors


def test_every_event_type_has_a_renderer_in_the_browser():
    render_js = (DOCS.parent / "static" / "js" / "render.js").read_text()
    for name in EVENTS:
        assert f'  "{name}": ' in render_js, f"no entry for {name} in render.js's RENDERERS"
