"""The protocol's published description, generated from the declarations: the command and event
tables of docs/protocol.md and the JSON Schema of every frame (docs/protocol.schema.json).

`python manage.py protocol_docs` writes both; `--check` fails when they and the code disagree
(tests/live/test_protocol_docs.py runs the same check).
"""

from __future__ import annotations

import json
import re

import msgspec
from msgspec import inspect

from wargame.game.events import EVENTS, EventFrame
from wargame.game.fields import ClientId
from wargame.live.commands import COMMANDS

SCHEMA_ID = "https://wargame.invalid/protocol.schema.json"
BEGIN, END = "<!-- BEGIN generated {} -->", "<!-- END generated {} -->"


# Markdown tables ---------------------------------------------------------------------------------


def command_table() -> str:
    rows = ["| command | who | data | appends |", "| --- | --- | --- | --- |"]
    for name, declared in COMMANDS.items():
        who = " or ".join(declared.roles)
        data = _fields(declared.data) or "none"
        appends = ", ".join(f"`{t}`" for t in declared.appends)
        rows.append(f"| `{name}` | {who} | {data}. {declared.doc} | {appends} |")
    return "\n".join(rows)


def event_table() -> str:
    rows = ["| type | data | audience |", "| --- | --- | --- |"]
    for name, declared in EVENTS.items():
        data = _fields(declared.data) or "`{}`"
        rows.append(f"| `{name}` | {data}. {declared.doc} | {declared.audience.doc} |")
    return "\n".join(rows)


def _fields(struct: type[msgspec.Struct]) -> str:
    described = []
    for field in inspect.type_info(struct).fields:
        optional = "" if field.required else "optional "
        described.append(f"{optional}`{field.encode_name}` ({describe(field.type)})")
    return ", ".join(described)


def describe(kind: inspect.Type) -> str:
    """A short human description of a declared type, for the tables."""
    if isinstance(kind, inspect.Metadata):
        inner = describe(kind.type)
        note = (kind.extra_json_schema or {}).get("description")
        # A number's range says more than its unit ("number 1–480" rather than "wall minutes").
        return note if note and not isinstance(kind.type, inspect.FloatType) else inner
    if isinstance(kind, inspect.UnionType):
        return " or ".join(describe(t) for t in kind.types)
    if isinstance(kind, inspect.LiteralType):
        return " \\| ".join(str(v) for v in kind.values)
    if isinstance(kind, inspect.StrType):
        return f"text ≤ {kind.max_length:,}" if kind.max_length else "text"
    if isinstance(kind, inspect.FloatType | inspect.IntType):
        name = "whole number" if isinstance(kind, inspect.IntType) else "number"
        if kind.ge is not None and kind.le is not None:
            return f"{name} {kind.ge:g}–{kind.le:,g}"
        return name
    if isinstance(kind, inspect.ListType):
        return f"list of {describe(kind.item_type)}"
    if isinstance(kind, inspect.StructType):
        return "object: " + ", ".join(f.encode_name for f in kind.fields)
    simple = {inspect.BoolType: "true/false", inspect.NoneType: "null", inspect.DictType: "object"}
    return simple.get(type(kind), "value")


def render_into(markdown: str) -> str:
    """docs/protocol.md with its generated sections brought up to date."""
    for section, table in (("commands", command_table()), ("events", event_table())):
        begin, end = BEGIN.format(section), END.format(section)
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
        if not pattern.search(markdown):
            raise ValueError(f"docs/protocol.md has no {begin} … {end} section")
        replacement = f"{begin}\n{table}\n{end}"
        markdown = pattern.sub(lambda _, text=replacement: text, markdown)
    return markdown


# JSON Schema -------------------------------------------------------------------------------------


def json_schema() -> dict:
    """JSON Schema (2020-12) of every frame: the client's commands, the server's events, acks,
    errors, the welcome and presence."""
    structs = [c.data for c in COMMANDS.values()] + [e.data for e in EVENTS.values()]
    _, components = msgspec.json.schema_components(structs, ref_template="#/$defs/{name}")
    commands = [_command_frame(name, c.data) for name, c in COMMANDS.items()]
    events = [_event_frame(name, e.data) for name, e in EVENTS.items()]
    defs = {
        **components,
        "ClientFrame": {"oneOf": commands},
        "EventFrame": {"oneOf": events},
        "Ack": _object({"type": {"const": "ack"}, "id": _id(), "seq": {"type": "integer"}}),
        "Error": _object(
            {
                "type": {"const": "error"},
                "id": {"anyOf": [_id(), {"type": "null"}]},
                "code": {"enum": list(ERROR_CODES)},
                "message": {"type": "string"},
            }
        ),
        "Welcome": {
            "type": "object",
            "properties": {
                "type": {"const": "welcome"},
                "last_seq": {"type": "integer", "minimum": 0},
                "you": {"type": "object"},
                "state": {"type": "object"},
                # Only without `since`: each pane's newest events (docs/protocol.md).
                "recent": {"type": "object", "additionalProperties": _pane()},
            },
            "required": ["type", "last_seq", "you", "state"],
        },
        "Presence": _object(
            {"type": {"const": "presence"}, "online": {"type": "array"}}, closed=False
        ),
    }
    server = ["EventFrame", "Ack", "Error", "Welcome", "Presence"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Crisis wargame WebSocket protocol v1 (docs/protocol.md)",
        "description": (
            "ClientFrame: what a client sends; ServerMessage: what it receives, a ServerFrame "
            "or a ServerBatch (several frames in order in one message: a resumed backlog)."
        ),
        "$defs": {
            **defs,
            "ServerFrame": {"oneOf": [{"$ref": f"#/$defs/{n}"} for n in server]},
            "ServerBatch": {
                "type": "array",
                "items": {"$ref": "#/$defs/ServerFrame"},
                "minItems": 2,
            },
            "ServerMessage": {
                "oneOf": [{"$ref": "#/$defs/ServerFrame"}, {"$ref": "#/$defs/ServerBatch"}]
            },
        },
        "oneOf": [{"$ref": "#/$defs/ClientFrame"}, {"$ref": "#/$defs/ServerMessage"}],
    }


ERROR_CODES = ("bad_json", "invalid", "unknown_command", "too_large", "forbidden", "conflict")


def _pane() -> dict:
    events = {"type": "array", "items": {"$ref": "#/$defs/EventFrame"}}
    return _object({"events": events, "more": {"type": "boolean"}})


def _id() -> dict:
    return msgspec.json.schema(ClientId)


def _object(properties: dict, *, closed: bool = True) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _command_frame(name: str, data: type[msgspec.Struct]) -> dict:
    required = ["id", "type"] + (["data"] if _has_required(data) else [])
    return {
        "title": name,
        "type": "object",
        "properties": {
            "id": _id(),
            "type": {"const": name},
            "data": {"$ref": f"#/$defs/{data.__name__}"},
        },
        "required": required,
    }


def _event_frame(name: str, data: type[msgspec.Struct]) -> dict:
    frame = msgspec.json.schema(EventFrame)["$defs"]["EventFrame"]
    properties = {**frame["properties"], "type": {"const": name}}
    properties["data"] = {"$ref": f"#/$defs/{data.__name__}"}
    return {**frame, "title": name, "properties": properties}


def _has_required(struct: type[msgspec.Struct]) -> bool:
    return any(f.required for f in inspect.type_info(struct).fields)


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
