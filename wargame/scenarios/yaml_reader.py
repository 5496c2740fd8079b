"""Reading PyYAML's node tree into checked values, recording each mistake at its line and column.

We walk nodes rather than the plain data so every value keeps its position, and so we can
refuse what plain loading would hide: duplicated keys, `yes` read as a boolean, a date where
text was expected.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wargame.scenarios.problems import Invalid, Problem
from wargame.scenarios.spec import RESERVED_SECTIONS

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


class NodeReader:
    """Checked readers for one file's nodes; every failure is kept in `problems`."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def fail(self, node: Node | None, path: str, message: str) -> Invalid:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.filename, line, col, path, message))
        return Invalid()

    def mapping(
        self, node: Node, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, path, f"expected a mapping of keys, got {describe(node)}")
        allowed = required + optional
        found: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            key_path = join_path(path, str(key))
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
            self.fail(node, join_path(path, key), "required key is missing")
        if missing:
            raise Invalid()
        return found

    def sequence(self, node: Node, path: str, *, minimum: int = 0) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, path, f"expected a list, got {describe(node)}")
        if len(node.value) < minimum:
            raise self.fail(node, path, f"needs at least {minimum} items, got {len(node.value)}")
        return list(node.value)

    def string(self, node: Node, path: str, *, max_len: int = 200, min_len: int = 1) -> str:
        if not isinstance(node, ScalarNode) or node.tag != STR_TAG:
            raise self.fail(node, path, f"expected text, got {describe(node)} (quote it)")
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
            raise self.fail(node, path, f"expected a number, got {describe(node)}")
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


def describe(node: Node) -> str:
    """What a node is, in the words an error message uses: "a list", "a boolean 'yes'"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    names = {"str": "text", "int": "a whole number", "float": "a number", "bool": "a boolean"}
    if tag == "null":
        return "nothing (empty value)"
    return f"{names.get(tag, tag)} {node.value!r}"


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
