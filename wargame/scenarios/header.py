"""Checks of a scenario's top-level fields: format version, id, start time, time compression."""

from __future__ import annotations

import re
from datetime import datetime

from yaml.nodes import Node, ScalarNode

from wargame.scenarios.yaml_reader import INT_TAG, NodeReader

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def check_format(r: NodeReader, node: Node) -> None:
    if not (isinstance(node, ScalarNode) and node.tag == INT_TAG and node.value == "1"):
        raise r.fail(
            node,
            "format",
            f"unsupported format {node.value!r}: this version reads format 1",
        )


def read_slug(r: NodeReader, node: Node) -> str:
    value = r.string(node, "id", max_len=64)
    if not SLUG_RE.match(value):
        raise r.fail(
            node, "id", f"bad scenario id '{value}': use lower-case letters, digits and '-'"
        )
    return value


def read_start(r: NodeReader, node: Node) -> datetime:
    # An unquoted date/time is a YAML timestamp, which loses what the author wrote; ask for text.
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


def read_compression(r: NodeReader, node: Node) -> float:
    value = r.number(node, "time_compression")
    if not 0 < value <= 1440:
        raise r.fail(
            node, "time_compression", f"must be greater than 0 and at most 1440, got {value:g}"
        )
    return value
