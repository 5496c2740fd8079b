"""Checks of a scenario's lists: teams, hotlines, the MSEL (timed injects) and moves."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wargame.lib.gametime import BadOffset, parse_offset
from wargame.scenarios.spec import METHODS, SIDES, HotlineSpec, InjectSpec, MoveSpec, TeamSpec
from wargame.scenarios.yaml_reader import ID_RE, STR_TAG, NodeReader, describe

LONG_TEXT = 20_000


def drop_duplicates(
    r: NodeReader, items: list[tuple[Node, object]], path: str, what: str, seen=None
):
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


def declared_team_ids(node: Node) -> list[str]:
    """Every well-formed team id in the file, including those of teams with other mistakes."""
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


def read_teams(r: NodeReader, node: Node) -> list[TeamSpec]:
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
    return drop_duplicates(r, items, "teams", "team")


def read_team_refs(r: NodeReader, node: Node, path: str, team_ids: list[str]) -> tuple[str, ...]:
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


def read_hotlines(r: NodeReader, node: Node, team_ids: list[str]) -> list[HotlineSpec]:
    def read(index: int, hotline_node: Node) -> HotlineSpec:
        path = f"hotlines[{index}]"
        h = r.mapping(hotline_node, path, ("id", "name", "members"))
        hotline_id = r.identifier(h["id"], f"{path}.id")
        if hotline_id in team_ids:
            raise r.fail(h["id"], f"{path}.id", f"hotline id '{hotline_id}' is also a team id")
        members = read_team_refs(r, h["members"], f"{path}.members", team_ids)
        if len(h["members"].value) < 2:
            raise r.fail(
                h["members"],
                f"{path}.members",
                f"a hotline needs at least two teams, got {len(h['members'].value)}",
            )
        return HotlineSpec(id=hotline_id, name=r.string(h["name"], f"{path}.name"), members=members)

    items = r.each(r.sequence(node, "hotlines"), read)
    return drop_duplicates(r, items, "hotlines", "hotline")


def read_inject_audience(
    r: NodeReader, node: Node, path: str, team_ids: list[str]
) -> tuple[str, ...] | None:
    """An inject's `to`: the word all (None) or a non-empty list of team ids."""
    if isinstance(node, ScalarNode) and node.tag == STR_TAG and node.value == "all":
        return None
    if isinstance(node, SequenceNode):
        to = read_team_refs(r, node, path, team_ids)
        if not node.value:
            raise r.fail(node, path, "an empty list reaches nobody: name teams or write all")
        return to
    raise r.fail(node, path, f"expected a list of team ids or the word all, got {describe(node)}")


def read_msel(r: NodeReader, node: Node, team_ids: list[str]) -> list[InjectSpec]:
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
        to = read_inject_audience(r, i["to"], f"{path}.to", team_ids)
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
    return drop_duplicates(r, items, "msel", "inject")


def read_moves(r: NodeReader, node: Node) -> list[MoveSpec]:
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
    return drop_duplicates(r, items, "moves", "move")
