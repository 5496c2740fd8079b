"""Reading a client's frame: the envelope (`id`, `type`, `data`), then the command's data against
its declaration (live/commands.py), with an error that names the field and the rule.

msgspec does the work on the common path. When it refuses, the explanation is built here from
the declaration (msgspec.inspect, its public description of the types) and the value sent, so
every message names the field, the limit and what was wrong, whatever msgspec's own wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import inspect

from wargame.game import limits
from wargame.game.errors import CommandRefused, invalid, too_large
from wargame.live.commands import COMMANDS, CommandData


class Envelope(msgspec.Struct):
    id: Any = None
    type: Any = None
    data: msgspec.Raw = msgspec.Raw(b"{}")


@dataclass(frozen=True)
class ClientFrame:
    id: str
    type: str
    data: CommandData


class FrameRefused(Exception):
    """A refusal for a frame whose id we could read, so the error can name it."""

    def __init__(self, frame_id: str, refusal: CommandRefused):
        super().__init__(refusal.message)
        self.id = frame_id
        self.refusal = refusal


_envelope = msgspec.json.Decoder(Envelope)
_decoders = {name: msgspec.json.Decoder(c.data) for name, c in COMMANDS.items()}
ID_RULE = f"id: must be text of 1 to {limits.MAX_ID_CHARS} characters"


def parse_frame(text: str) -> ClientFrame:
    """The frame, decoded and checked against its command's declaration. Raises
    CommandRefused (no id could be read) or FrameRefused (with the frame's id)."""
    if len(text) > limits.MAX_FRAME_BYTES or len(text.encode("utf-8")) > limits.MAX_FRAME_BYTES:
        raise too_large(f"frame: over the limit of {limits.MAX_FRAME_BYTES} bytes")
    try:
        envelope = _envelope.decode(text)
    except msgspec.ValidationError:  # (a DecodeError too, so first)
        raise invalid("frame: must be a JSON object with id, type and data") from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise _undecodable(text, exc) from None
    frame_id = envelope.id
    if not isinstance(frame_id, str) or not 1 <= len(frame_id) <= limits.MAX_ID_CHARS:
        raise invalid(ID_RULE)
    if "\x00" in frame_id:
        raise invalid(f"{ID_RULE}, without NUL characters")
    try:
        return ClientFrame(frame_id, *_command_data(envelope))
    except CommandRefused as refusal:
        raise FrameRefused(frame_id, refusal) from None


def _command_data(envelope: Envelope) -> tuple[str, CommandData]:
    kind = envelope.type
    if not isinstance(kind, str):
        raise invalid("type: must be text naming a command")
    decoder = _decoders.get(kind)
    if decoder is None:
        raise CommandRefused(
            "unknown_command", f"type: unknown command {kind!r} (known: {', '.join(COMMANDS)})"
        )
    try:
        return kind, decoder.decode(envelope.data)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        refused = exc
    raw = bytes(envelope.data).decode("utf-8", "replace")
    deep, _ = _too_deep(raw)
    if deep is not None:
        where = "data" if deep == "frame" else f"data.{deep}".replace(".[", "[")
        raise invalid(f"{where}: nested deeper than {limits.MAX_NESTING} levels")
    raise explain(COMMANDS[kind].data, json.loads(raw), refused)


# Explaining a refusal ----------------------------------------------------------------------------


def explain(declared: type[msgspec.Struct], data, refused: Exception) -> CommandRefused:
    """The first way `data` departs from the declaration, as a refusal a person can act on
    (`refused`: msgspec's own reason, used only for a rule this does not describe)."""
    if not isinstance(data, dict):
        return invalid("data: must be a JSON object")
    info = inspect.type_info(declared)
    fields = {f.encode_name: f for f in info.fields}
    for name, field in fields.items():
        if field.required and name not in data:
            return invalid(f"data.{name}: required field is missing")
    for name, value in data.items():
        field = fields.get(name)
        if field is None:
            allowed = ", ".join(fields) or "none"
            return invalid(f"data.{name}: unknown field (allowed: {allowed})")
        problem = _problem(field.type, value, f"data.{name}")
        if problem is not None:
            return problem
    # A rule the walk above does not describe: msgspec's words, with the path as ours.
    return invalid(f"data: {refused}".replace("`$.", "`data."))


def _problem(kind: inspect.Type, value, path: str) -> CommandRefused | None:
    """Why `value` is not of `kind`, or None if it is."""
    options = _options(kind)  # type_info leaves UNSET out of optional fields
    described = _description(kind)
    problems = [_mismatch(option, value, path, described) for option in options]
    if any(problem is None for problem in problems):
        return None
    if len(options) == 1:
        return problems[0]
    # Of a union ("all" or a list), explain the branch of the kind of JSON value sent.
    same_kind = [p for o, p in zip(options, problems, strict=True) if _same_json_kind(o, value)]
    if len(same_kind) == 1:
        return same_kind[0]
    return invalid(f"{path}: must be {described or ' or '.join(map(_describe, options))}")


def _description(kind: inspect.Type) -> str | None:
    if isinstance(kind, inspect.Metadata):
        return (kind.extra_json_schema or {}).get("description")
    return None


def _same_json_kind(kind: inspect.Type, value) -> bool:
    if isinstance(kind, inspect.ListType):
        return isinstance(value, list)
    if isinstance(kind, inspect.StrType | inspect.LiteralType):
        return isinstance(value, str)
    if isinstance(kind, inspect.BoolType):
        return isinstance(value, bool)
    if isinstance(kind, inspect.IntType | inspect.FloatType):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _options(kind: inspect.Type) -> list[inspect.Type]:
    kind = _unwrap(kind)
    kinds = kind.types if isinstance(kind, inspect.UnionType) else (kind,)
    return [_unwrap(k) for k in kinds]


def _unwrap(kind: inspect.Type) -> inspect.Type:
    """The type under Annotated metadata (the limits stay on the inner type)."""
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    return kind


def _mismatch(
    kind: inspect.Type, value, path: str, described: str | None = None
) -> CommandRefused | None:
    """The rule of `kind` that `value` breaks (`described`: the field's description in its
    declaration), or None if it breaks none."""
    if isinstance(kind, inspect.StrType):
        return _text_problem(kind, value, path, described)
    if isinstance(kind, inspect.LiteralType):
        if value in kind.values:
            return None
        choices = ", ".join(str(v) for v in kind.values)
        return invalid(f"{path}: must be one of {choices}, got {value!r}")
    if isinstance(kind, inspect.IntType | inspect.FloatType):
        return _number_problem(kind, value, path)
    if isinstance(kind, inspect.BoolType):
        return None if isinstance(value, bool) else invalid(f"{path}: must be true/false")
    if isinstance(kind, inspect.ListType):
        if not isinstance(value, list):
            return invalid(f"{path}: must be a list")
        for i, item in enumerate(value):
            problem = _problem(kind.item_type, item, f"{path}[{i}]")
            if problem is not None:
                return problem
        return None
    if isinstance(kind, inspect.NoneType):
        return None if value is None else invalid(f"{path}: must be null")
    return None


def _text_problem(
    kind: inspect.StrType, value, path: str, described: str | None
) -> CommandRefused | None:
    if not isinstance(value, str):
        return invalid(f"{path}: must be text")
    if _has_lone_surrogate(value):
        return invalid(f"{path}: contains half of a UTF-16 surrogate pair, which is not text")
    if kind.max_length is not None and len(value) > kind.max_length:
        return too_large(f"{path}: {len(value)} characters is over the limit of {kind.max_length}")
    if kind.min_length and len(value) < kind.min_length:
        return invalid(f"{path}: must not be empty")
    if "\x00" in value:
        return invalid(f"{path}: must not contain NUL characters (\\u0000)")
    if kind.pattern is not None and re.search(kind.pattern, value) is None:
        rule = described or f"text matching {kind.pattern}"
        return invalid(f"{path}: must be {rule}, got {value[:40]!r}")
    return None


def _number_problem(kind, value, path: str) -> CommandRefused | None:
    whole = isinstance(kind, inspect.IntType)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and not isinstance(value, int))
    ):
        return invalid(f"{path}: must be {'a whole number' if whole else 'a number'}")
    low, high = kind.ge, kind.le
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            rule = f"from {low:g} to {high:g}"
        elif low is not None:
            rule = f"at least {low:g}"
        else:
            rule = f"at most {high:g}"
        return invalid(f"{path}: must be a number {rule}, got {value!r}")
    return None


def _describe(kind: inspect.Type) -> str:
    if isinstance(kind, inspect.LiteralType):
        return " or ".join(json.dumps(v) for v in kind.values)
    if isinstance(kind, inspect.ListType):
        return "a list"
    names = {
        inspect.StrType: "text",
        inspect.IntType: "a whole number",
        inspect.FloatType: "a number",
    }
    return names.get(type(kind), "a value of the declared type")


# Frames the decoder could not read ---------------------------------------------------------------


def _undecodable(text: str, exc: Exception) -> CommandRefused | FrameRefused:
    """Name the field when the JSON is well formed but not text we accept (a lone surrogate)
    or nested too deeply; otherwise it is not JSON at all."""
    deep, frame_id = _too_deep(text)
    if deep is not None:
        refusal = invalid(f"{deep}: nested deeper than {limits.MAX_NESTING} levels")
        return FrameRefused(frame_id, refusal) if _readable_id(frame_id) else refusal
    try:
        frame = json.loads(text)  # the standard library accepts lone surrogates
    except (ValueError, RecursionError):
        return CommandRefused("bad_json", f"frame: not valid JSON ({exc})")
    path = _surrogate_path(frame, "")
    if path is None:
        return CommandRefused("bad_json", f"frame: not valid JSON ({exc})")
    where = path.lstrip(".") or "frame"
    refusal = invalid(f"{where}: contains half of a UTF-16 surrogate pair, which is not text")
    frame_id = frame.get("id") if isinstance(frame, dict) else None
    return FrameRefused(frame_id, refusal) if _readable_id(frame_id) else refusal


def _readable_id(value) -> bool:  # an id an error frame may carry back
    return (
        isinstance(value, str)
        and 1 <= len(value) <= limits.MAX_ID_CHARS
        and "\x00" not in value
        and not _has_lone_surrogate(value)
    )


def _has_lone_surrogate(value: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in value)


def _surrogate_path(value, path: str) -> str | None:
    if isinstance(value, str):
        return path if _has_lone_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _has_lone_surrogate(key):
                return f"{path}.{key.encode('utf-8', 'replace').decode()}"
            found = _surrogate_path(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _surrogate_path(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _too_deep(text: str) -> tuple[str | None, str | None]:
    """The path (object keys, `[…]` for arrays) at which `text` nests deeper than MAX_NESTING
    (or None), and the frame's `id` if it was read before that point. A scan of the
    characters: it never recurses, whatever the input."""
    path: list[str] = []
    key, in_string, escaped, start, frame_id = "", False, False, 0, None
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if len(path) == 1 and key == "id" and _is_key_value(text, start - 1):
                    frame_id = _json_string(text[start:i])
                key = text[start:i]
            continue
        if char == '"':
            in_string, start = True, i + 1
        elif char in "{[":
            path.append(key if path and _is_key_value(text, i) else "[]")
            if len(path) > limits.MAX_NESTING:
                return _path_text(path), frame_id
        elif char in "}]":
            if path:
                path.pop()
    return None, frame_id


def _json_string(escaped: str) -> str | None:
    try:
        return json.loads(f'"{escaped}"')
    except ValueError:
        return None


def _is_key_value(text: str, i: int) -> bool:
    """Is the bracket at i the value of an object key (`"k": [`) rather than an array item?"""
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    return j >= 0 and text[j] == ":"


def _path_text(path: list[str]) -> str:
    text = ""
    for part in path[1:]:  # the first level is the frame itself
        text += "[…]" if part == "[]" else f".{part}"
    return text.lstrip(".") or "frame"
