"""Imports run one way: pages (play, control) → live → game → scenarios → lib. game/ never
imports live/, so a Celery worker or a management command appends without the live path."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "wargame"
# Each layer may import only the layers after it (and itself).
LAYERS = ["play", "control", "live", "game", "scenarios", "lib"]
PAGES = {"play", "control"}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "wargame" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def imports_of(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def rank(layer: str) -> int:
    return 0 if layer in PAGES else LAYERS.index(layer) - 1


SOURCES = sorted(
    p
    for p in ROOT.rglob("*.py")
    if layer_of(".".join(p.relative_to(ROOT.parent).with_suffix("").parts))
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_imports_run_one_way(path):
    own = layer_of(".".join(path.relative_to(ROOT.parent).with_suffix("").parts))
    upward = [
        f"{path.name}:{line}: {own} imports {module}"
        for line, module in imports_of(path)
        if (target := layer_of(module)) and target != own and rank(target) <= rank(own)
    ]
    assert not upward


def test_the_rule_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from wargame.live.broadcast import broadcast_event\n")
    assert [m for _, m in imports_of(bad)] == ["wargame.live.broadcast"]
    assert rank(layer_of("wargame.live.broadcast")) < rank("game")
