"""Reading frames: whatever a client sends, the answer is a frame or a refusal that names the
field (property tests with Hypothesis); never another exception, which would close the socket."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.game.errors import CommandRefused
from wargame.live.commands import COMMANDS
from wargame.live.frames import FrameRefused, parse_frame

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def answer(text: str) -> str:
    try:
        parse_frame(text)
    except FrameRefused as exc:
        return exc.refusal.code
    except CommandRefused as exc:
        return exc.code
    return "ok"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_frame_or_a_refusal(text):
    assert answer(text) in {"ok", "bad_json", "invalid", "unknown_command", "too_large"}


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(sorted(COMMANDS)),
    st.dictionaries(st.sampled_from(["hotline", "text", "to", "seq", "x", "from"]), json_values),
)
def test_any_data_for_any_command_gets_a_frame_or_a_refusal_naming_data(kind, data):
    text = json.dumps({"id": "c1", "type": kind, "data": data})
    try:
        parse_frame(text)
    except FrameRefused as exc:
        assert exc.id == "c1"
        assert exc.refusal.message.startswith("data"), exc.refusal.message


@settings(max_examples=200, deadline=None)
@given(st.integers(9, 10000), st.sampled_from(["[", '{"k":']))
def test_nesting_of_any_depth_is_refused_by_name(depth, opener):
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + ("1" if opener != "[" else "") + closer * depth
    text = '{"id": "n", "type": "note.add", "data": {"text": ' + deep + ', "tag": "x"}}'
    try:
        parse_frame(text)
    except FrameRefused as exc:
        assert exc.id == "n"
        assert exc.refusal.message.startswith("data.text"), exc.refusal.message
        assert "nested deeper than 8 levels" in exc.refusal.message or depth < 9


def test_lone_surrogates_anywhere_are_named():
    for field in ("text", "hotline"):
        data = {"hotline": "acm", "text": "ok"}
        text = json.dumps({"id": "s", "type": "hotline.send", "data": data})
        text = text.replace(f'"{data[field]}"', '"\\ud83d"')
        try:
            parse_frame(text)
        except FrameRefused as exc:
            assert exc.refusal.message.startswith(f"data.{field}: contains half of a UTF-16")
        else:
            raise AssertionError("a lone surrogate was accepted")


def refusal_for(text: str) -> str:
    try:
        parse_frame(text)
    except FrameRefused as exc:
        return exc.refusal.message
    raise AssertionError("accepted")


def test_a_broken_rule_is_named_with_the_fields_description_from_its_declaration():
    frame = {"id": "a", "type": "move.submit", "data": {"text": "x", "category": "legal"}}
    frame["data"]["target"] = "U S A"
    assert refusal_for(json.dumps(frame)) == "data.target: must be a team id, got 'U S A'"
    frame = {"id": "a", "type": "hotline.send", "data": {"hotline": "a c m", "text": "x"}}
    assert refusal_for(json.dumps(frame)) == "data.hotline: must be a scenario id, got 'a c m'"
    frame = {"id": "a", "type": "inject.send", "data": {"to": 5, "title": "t", "body": "b"}}
    assert refusal_for(json.dumps(frame)) == 'data.to: must be "all", or a list of team ids'


def test_a_rule_the_explanation_does_not_cover_keeps_msgspecs_words_with_our_path():
    from wargame.live.commands import HotlineSendCommand
    from wargame.live.frames import explain

    refusal = explain(
        HotlineSendCommand,
        {"hotline": "acm", "text": "fine"},
        ValueError("Expected `str` of a rule nobody wrote - at `$.text`"),
    )
    assert refusal.message == "data: Expected `str` of a rule nobody wrote - at `data.text`"
