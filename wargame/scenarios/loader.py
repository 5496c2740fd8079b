"""Parse and validate a scenario file, reporting every error as `file:line:col: path: rule`.

This is the entry point; the work is split by concern: `yaml_reader` walks PyYAML's node tree
keeping positions, `header` and `sections` check the top-level fields and the lists, and
`problems` collects and formats the errors.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import Node

from wargame.scenarios.header import check_format, read_compression, read_slug, read_start
from wargame.scenarios.problems import Invalid, Problem, ScenarioError
from wargame.scenarios.sections import (
    LONG_TEXT,
    declared_team_ids,
    read_hotlines,
    read_moves,
    read_msel,
    read_teams,
)
from wargame.scenarios.spec import ScenarioSpec
from wargame.scenarios.yaml_reader import NodeReader

__all__ = ["Problem", "ScenarioError", "load_scenario_file", "load_scenario_text"]


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
    root = _compose(text, filename)
    reader = NodeReader(filename)
    try:
        spec = _read_scenario(reader, root)
    except Invalid:
        spec = None
    if reader.problems or spec is None:
        raise ScenarioError(reader.problems)
    return spec


def _compose(text: str, filename: str) -> Node:
    """The YAML node tree; a syntax error or an empty file is the only problem reported."""
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
    return root


def _read_scenario(r: NodeReader, root: Node) -> ScenarioSpec:
    top = r.mapping(
        root,
        "",
        ("format", "id", "title", "summary", "start", "time_compression", "situation", "teams"),
        ("hotlines", "msel", "moves"),
    )
    check_format(r, top["format"])

    fields = {}
    for key, read in (
        ("id", lambda n: read_slug(r, n)),
        ("title", lambda n: r.string(n, "title")),
        ("summary", lambda n: r.string(n, "summary", max_len=2000)),
        ("start", lambda n: read_start(r, n)),
        ("time_compression", lambda n: read_compression(r, n)),
        ("situation", lambda n: r.string(n, "situation", max_len=LONG_TEXT)),
    ):
        try:
            fields[key] = read(top[key])
        except Invalid:
            pass

    teams = read_teams(r, top["teams"])
    # References are checked against every declared id, so one team with a bad field does not
    # also make each mention of it an "unknown team" error.
    team_ids = list(dict.fromkeys([t.id for t in teams] + declared_team_ids(top["teams"])))
    hotlines = r.optional(top, "hotlines", lambda n: read_hotlines(r, n, team_ids), [])
    msel = r.optional(top, "msel", lambda n: read_msel(r, n, team_ids), [])
    moves = r.optional(top, "moves", lambda n: read_moves(r, n), [])
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
