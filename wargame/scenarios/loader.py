"""Parse and validate a scenario file, reporting every error as `file:line:col: path: rule`.

We walk PyYAML's node tree (not the plain data) so every value keeps its position, and so we
can refuse what plain loading would hide: duplicated keys, `yes` read as a boolean, a date where
text was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wargame.lib.gametime import BadOffset, parse_offset
from wargame.scenarios.spec import (
    METHODS,
    RESERVED_SECTIONS,
    SIDES,
    HotlineSpec,
    InjectSpec,
    MoveSpec,
    ScenarioSpec,
    TeamSpec,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
LONG_TEXT = 20_000


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.col}: {where}{self.message}"


class ScenarioError(ValueError):
    """One or more problems in a scenario file, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))


class Invalid(Exception):
    """A value is unusable; the problem is already recorded, so its parent skips it."""


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def fail(self, node: Node | None, path: str, message: str) -> Invalid:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.filename, line, col, path, message))
        return Invalid()

    # Structural readers -------------------------------------------------------------------

    def mapping(
        self, node: Node, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, path, f"expected a mapping of keys, got {_kind(node)}")
        allowed = required + optional
        found: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            key_path = _join(path, str(key))
            if key is None:
                self.fail(key_node, path, "keys must be plain words")
            elif key in found:
                self.fail(
                    key_node,
                    key_path,
                    f"duplicate key '{key}' (first at line {first_line[key]})",
                )
            elif path == "" and key in RESERVED_SECTIONS:
                self.fail(
                    key_node,
                    key_path,
                    f"'{key}' is reserved for a later format version and not supported in format 1",
                )
            elif key not in allowed:
                self.fail(
                    key_node, key_path, f"unknown key (expected one of: {', '.join(allowed)})"
                )
            else:
                found[key] = value_node
                first_line[key] = key_node.start_mark.line + 1
        missing = [k for k in required if k not in found]
        for key in missing:
            self.fail(node, _join(path, key), "required key is missing")
        if missing:
            raise Invalid()
        return found

    def sequence(self, node: Node, path: str, *, minimum: int = 0) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, path, f"expected a list, got {_kind(node)}")
        if len(node.value) < minimum:
            raise self.fail(node, path, f"needs at least {minimum} items, got {len(node.value)}")
        return list(node.value)

    def string(self, node: Node, path: str, *, max_len: int = 200, min_len: int = 1) -> str:
        if not isinstance(node, ScalarNode) or node.tag != STR_TAG:
            raise self.fail(node, path, f"expected text, got {_kind(node)} (quote it)")
        value = node.value.strip()
        if len(value) < min_len:
            raise self.fail(node, path, "must not be empty")
        if len(value) > max_len:
            raise self.fail(node, path, f"too long: {len(value)} characters, at most {max_len}")
        return value

    def identifier(self, node: Node, path: str) -> str:
        value = self.string(node, path, max_len=64)
        if not ID_RE.match(value):
            raise self.fail(
                node,
                path,
                f"bad id '{value}': use 1-16 letters, digits, '-' or '_'",
            )
        return value

    def number(self, node: Node, path: str) -> float:
        if not isinstance(node, ScalarNode) or node.tag not in (INT_TAG, FLOAT_TAG):
            raise self.fail(node, path, f"expected a number, got {_kind(node)}")
        return float(yaml.safe_load(node.value))

    def optional(self, nodes: dict[str, Node], key: str, read, default):
        return read(nodes[key]) if key in nodes else default

    def each(self, nodes: list[Node], read) -> list:
        """Read every item, recording all problems instead of stopping at the first."""
        items = []
        for index, node in enumerate(nodes):
            try:
                items.append((node, read(index, node)))
            except Invalid:
                pass
        return items


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    names = {"str": "text", "int": "a whole number", "float": "a number", "bool": "a boolean"}
    if tag == "null":
        return "nothing (empty value)"
    return f"{names.get(tag, tag)} {node.value!r}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_scenario_file(path: str | Path) -> ScenarioSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(str(path), 1, 1, "", f"not UTF-8 text: {exc.reason}")]
        ) from None
    return load_scenario_text(text, str(path))


def load_scenario_text(text: str, filename: str) -> ScenarioSpec:
    reader = _Reader(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ScenarioError(
            [Problem(filename, line, col, "", f"YAML syntax: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(filename, 1, 1, "", f"YAML: {exc}")]) from None
    if root is None:
        raise ScenarioError([Problem(filename, 1, 1, "", "the file is empty")])
    try:
        spec = _read_scenario(reader, root)
    except Invalid:
        spec = None
    if reader.problems or spec is None:
        raise ScenarioError(reader.problems)
    return spec


def _read_scenario(r: _Reader, root: Node) -> ScenarioSpec:
    top = r.mapping(
        root,
        "",
        ("format", "id", "title", "summary", "start", "time_compression", "situation", "teams"),
        ("hotlines", "msel", "moves"),
    )
    fmt_node = top["format"]
    if not (isinstance(fmt_node, ScalarNode) and fmt_node.tag == INT_TAG and fmt_node.value == "1"):
        raise r.fail(
            fmt_node,
            "format",
            f"unsupported format {fmt_node.value!r}: this version reads format 1",
        )

    fields = {}
    for key, read in (
        ("id", lambda n: _slug(r, n)),
        ("title", lambda n: r.string(n, "title")),
        ("summary", lambda n: r.string(n, "summary", max_len=2000)),
        ("start", lambda n: _start(r, n)),
        ("time_compression", lambda n: _compression(r, n)),
        ("situation", lambda n: r.string(n, "situation", max_len=LONG_TEXT)),
    ):
        try:
            fields[key] = read(top[key])
        except Invalid:
            pass

    teams = _read_teams(r, top["teams"])
    # References are checked against every declared id, so one team with a bad field does not
    # also make each mention of it an "unknown team" error.
    team_ids = list(dict.fromkeys([t.id for t in teams] + _declared_ids(top["teams"])))
    hotlines = r.optional(top, "hotlines", lambda n: _read_hotlines(r, n, team_ids), [])
    msel = r.optional(top, "msel", lambda n: _read_msel(r, n, team_ids), [])
    moves = r.optional(top, "moves", lambda n: _read_moves(r, n), [])
    if r.problems:
        raise Invalid()
    return ScenarioSpec(
        format=1,
        teams=tuple(teams),
        hotlines=tuple(hotlines),
        msel=tuple(sorted(msel, key=lambda i: i.at)),
        moves=tuple(moves),
        **fields,
    )


def _declared_ids(node: Node) -> list[str]:
    if not isinstance(node, SequenceNode):
        return []
    return [
        value.value
        for item in node.value
        if isinstance(item, MappingNode)
        for key, value in item.value
        if key.value == "id"
        and isinstance(value, ScalarNode)
        and value.tag == STR_TAG
        and ID_RE.match(value.value)
    ]


def _slug(r: _Reader, node: Node) -> str:
    value = r.string(node, "id", max_len=64)
    if not SLUG_RE.match(value):
        raise r.fail(
            node, "id", f"bad scenario id '{value}': use lower-case letters, digits and '-'"
        )
    return value


def _start(r: _Reader, node: Node) -> datetime:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        raise r.fail(node, "start", 'quote the start time: "2027-04-12T05:30:00+09:00"')
    value = r.string(node, "start", max_len=64)
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise r.fail(
            node, "start", f"bad date/time '{value}': use ISO 8601, e.g. 2027-04-12T05:30:00+09:00"
        ) from None
    if start.tzinfo is None:
        raise r.fail(node, "start", f"'{value}' has no UTC offset: add Z or +09:00")
    return start


def _compression(r: _Reader, node: Node) -> float:
    value = r.number(node, "time_compression")
    if not 0 < value <= 1440:
        raise r.fail(
            node, "time_compression", f"must be greater than 0 and at most 1440, got {value:g}"
        )
    return value


def _check_unique(r: _Reader, items: list[tuple[Node, object]], path: str, what: str, seen=None):
    """Drop items whose id repeats an earlier one, with an error naming the first line."""
    seen = {} if seen is None else seen
    kept = []
    for index, (node, item) in enumerate(items):
        id_node = next(v for k, v in node.value if k.value == "id")
        if item.id in seen:
            r.fail(
                id_node,
                f"{path}[{index}].id",
                f"duplicate {what} id '{item.id}' (first at line {seen[item.id]})",
            )
        else:
            seen[item.id] = id_node.start_mark.line + 1
            kept.append(item)
    return kept


def _read_teams(r: _Reader, node: Node) -> list[TeamSpec]:
    def read(index: int, team_node: Node) -> TeamSpec:
        path = f"teams[{index}]"
        t = r.mapping(team_node, path, ("id", "name", "side", "briefing"), ("roles",))
        side = r.string(t["side"], f"{path}.side", max_len=16)
        if side not in SIDES:
            raise r.fail(
                t["side"], f"{path}.side", f"unknown side '{side}' (use one of: {', '.join(SIDES)})"
            )
        roles = r.optional(
            t,
            "roles",
            lambda n: tuple(
                r.string(role, f"{path}.roles[{j}]")
                for j, role in enumerate(r.sequence(n, f"{path}.roles"))
            ),
            (),
        )
        return TeamSpec(
            id=r.identifier(t["id"], f"{path}.id"),
            name=r.string(t["name"], f"{path}.name"),
            side=side,
            roles=roles,
            briefing=r.string(t["briefing"], f"{path}.briefing", max_len=LONG_TEXT),
        )

    items = r.each(r.sequence(node, "teams", minimum=2), read)
    return _check_unique(r, items, "teams", "team")


def _team_refs(r: _Reader, node: Node, path: str, team_ids: list[str]) -> tuple[str, ...]:
    refs: list[str] = []
    for j, ref_node in enumerate(r.sequence(node, path)):
        ref = r.string(ref_node, f"{path}[{j}]", max_len=64)
        if ref not in team_ids:
            r.fail(
                ref_node, f"{path}[{j}]", f"unknown team '{ref}' (teams are {', '.join(team_ids)})"
            )
        elif ref in refs:
            r.fail(ref_node, f"{path}[{j}]", f"team '{ref}' is listed twice")
        else:
            refs.append(ref)
    return tuple(refs)


def _read_hotlines(r: _Reader, node: Node, team_ids: list[str]) -> list[HotlineSpec]:
    def read(index: int, hotline_node: Node) -> HotlineSpec:
        path = f"hotlines[{index}]"
        h = r.mapping(hotline_node, path, ("id", "name", "members"))
        hotline_id = r.identifier(h["id"], f"{path}.id")
        if hotline_id in team_ids:
            raise r.fail(h["id"], f"{path}.id", f"hotline id '{hotline_id}' is also a team id")
        members = _team_refs(r, h["members"], f"{path}.members", team_ids)
        if len(h["members"].value) < 2:
            raise r.fail(
                h["members"],
                f"{path}.members",
                f"a hotline needs at least two teams, got {len(h['members'].value)}",
            )
        return HotlineSpec(id=hotline_id, name=r.string(h["name"], f"{path}.name"), members=members)

    items = r.each(r.sequence(node, "hotlines"), read)
    return _check_unique(r, items, "hotlines", "hotline")


def _read_msel(r: _Reader, node: Node, team_ids: list[str]) -> list[InjectSpec]:
    def read(index: int, inject_node: Node) -> InjectSpec:
        path = f"msel[{index}]"
        i = r.mapping(
            inject_node,
            path,
            ("id", "at", "from", "to", "method", "title", "body"),
            ("expected_action",),
        )
        at_text = r.string(i["at"], f"{path}.at", max_len=32)
        try:
            at = parse_offset(at_text)
        except BadOffset as exc:
            raise r.fail(i["at"], f"{path}.at", str(exc)) from None
        to_node = i["to"]
        if isinstance(to_node, ScalarNode) and to_node.tag == STR_TAG and to_node.value == "all":
            to = None
        elif isinstance(to_node, SequenceNode):
            to = _team_refs(r, to_node, f"{path}.to", team_ids)
            if not to_node.value:
                raise r.fail(
                    to_node, f"{path}.to", "an empty list reaches nobody: name teams or write all"
                )
        else:
            raise r.fail(
                to_node,
                f"{path}.to",
                f"expected a list of team ids or the word all, got {_kind(to_node)}",
            )
        method = r.string(i["method"], f"{path}.method", max_len=16)
        if method not in METHODS:
            raise r.fail(
                i["method"],
                f"{path}.method",
                f"unknown method '{method}' (use one of: {', '.join(METHODS)})",
            )
        return InjectSpec(
            id=r.identifier(i["id"], f"{path}.id"),
            at=at,
            sender=r.string(i["from"], f"{path}.from"),
            to=to,
            method=method,
            title=r.string(i["title"], f"{path}.title"),
            body=r.string(i["body"], f"{path}.body", max_len=LONG_TEXT),
            expected_action=r.optional(
                i,
                "expected_action",
                lambda n: r.string(n, f"{path}.expected_action", max_len=2000),
                "",
            ),
        )

    items = r.each(r.sequence(node, "msel"), read)
    return _check_unique(r, items, "msel", "inject")


def _read_moves(r: _Reader, node: Node) -> list[MoveSpec]:
    def read(index: int, move_node: Node) -> MoveSpec:
        path = f"moves[{index}]"
        m = r.mapping(move_node, path, ("id", "title"), ("summary",))
        return MoveSpec(
            id=r.identifier(m["id"], f"{path}.id"),
            title=r.string(m["title"], f"{path}.title"),
            summary=r.optional(
                m, "summary", lambda n: r.string(n, f"{path}.summary", max_len=2000), ""
            ),
        )

    items = r.each(r.sequence(node, "moves"), read)
    return _check_unique(r, items, "moves", "move")
