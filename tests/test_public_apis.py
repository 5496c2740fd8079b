"""The live path rests on the public APIs of its libraries only: no module of wargame/ reads or
sets a private attribute (a leading underscore) of an object that comes from channels,
channels_redis, asgiref, asyncio or redis, uses their known undocumented internals, or
monkeypatches them. An upgrade of one of them must not be able to break delivery silently."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "wargame"
PACKAGES = {"channels", "channels_redis", "asgiref", "asyncio", "redis"}
# Undocumented attributes without an underscore that the code once relied on.
UNDOCUMENTED = {"single_thread_executor", "threadlocal", "deadlock_context"}


def roots(tree: ast.AST) -> set[str]:
    """Names that hold something from PACKAGES: imported from them, or assigned (anywhere in
    the module, including self.<name>) from an expression that starts with such a name."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    found.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PACKAGES:
                found.update(alias.asname or alias.name for alias in node.names)
    changed = True
    while changed:  # follow assignments until nothing new is found
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                if root_of(node.value) in found:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        name = target_name(target)
                        if name and name not in found:
                            found.add(name)
                            changed = True
    return found


def root_of(node: ast.AST) -> str | None:
    """The name an expression starts from: `a` for a.b().c, self.x for self.x.y()."""
    while True:
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                return f"self.{node.attr}"
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"self.{node.attr}" if node.value.id == "self" else None
    return None


def imported_objects(tree: ast.AST) -> dict[str, str]:
    """name -> "module:attribute" for `from <package> import attribute [as name]`."""
    objects = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PACKAGES:
                for alias in node.names:
                    objects[alias.asname or alias.name] = f"{node.module}:{alias.name}"
    return objects


def subclass_violations(tree: ast.AST, filename: str) -> list[str]:
    """In a class derived from theirs, `self._x` must be our own attribute, and we must not
    override their private methods."""
    objects = imported_objects(tree)
    found = []
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        bases = [objects[b.id] for b in cls.bases if isinstance(b, ast.Name) and b.id in objects]
        if not bases:
            continue
        base_classes = []
        for spec in bases:
            module, attribute = spec.split(":")
            base_classes.append(getattr(importlib.import_module(module), attribute))
        own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = target_name(target)
                    if name:
                        own.add(name.removeprefix("self."))
        for name in sorted(own):
            private = name.startswith("_") and not name.startswith("__")
            if private and any(hasattr(base, name) for base in base_classes):
                found.append(f"{filename}: {cls.name}.{name} overrides a private attribute")
        for node in ast.walk(cls):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in own
            ):
                found.append(f"{filename}:{node.lineno}: self.{node.attr}: private, inherited")
    return found


def violations(source: str, filename: str = "<test>") -> list[str]:
    tree = ast.parse(source, filename)
    theirs = roots(tree)
    found = subclass_violations(tree, filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and root_of(node.value) in theirs:
            where = f"{filename}:{node.lineno}: {ast.unparse(node)}"
            if node.attr.startswith("_") and not node.attr.startswith("__"):
                found.append(f"{where}: private attribute")
            elif node.attr in UNDOCUMENTED:
                found.append(f"{where}: undocumented internal")
            elif isinstance(node.ctx, ast.Store | ast.Del):
                found.append(f"{where}: monkeypatched")
        elif isinstance(node, ast.Attribute) and node.attr in UNDOCUMENTED:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}: undocumented internal")
    return found


SOURCES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_no_private_attribute_of_a_dependency_is_touched(path):
    assert violations(path.read_text(), str(path.relative_to(ROOT.parent))) == []


@pytest.mark.parametrize(
    "source",
    [
        # What the live path once did.
        "from channels.layers import get_channel_layer\n"
        "channel = get_channel_layer()._get_layer()._get_group_channel_name",
        "from channels.layers import InMemoryChannelLayer\n"
        "class L(InMemoryChannelLayer):\n    def f(self):\n        return self.groups, self._clean_expired",
        "from channels.layers import InMemoryChannelLayer\n"
        "class L(InMemoryChannelLayer):\n    def _clean_expired(self):\n        pass",
        "from asgiref.sync import SyncToAsync\nexecutor = SyncToAsync.single_thread_executor",
        "import asyncio\nloop = asyncio.get_running_loop()\nloop.close = lambda: None",
        "from redis import asyncio as aioredis\n"
        "class P:\n    def __init__(self):\n        self.redis = aioredis.Redis()\n"
        "    def f(self):\n        return self.redis._pool",
        "import asyncio\nasync def f():\n    t = asyncio.current_task()\n    t._coro",
    ],
)
def test_the_rule_sees_private_access_undocumented_internals_and_monkeypatching(source):
    assert violations(source)


def test_the_rule_allows_public_use_and_our_own_private_names():
    source = (
        "import asyncio\nfrom redis import asyncio as aioredis\n"
        "class Hub:\n    def __init__(self):\n        self._streams = {}\n"
        "        self.redis = aioredis.Redis()\n        self.loop = asyncio.get_running_loop()\n"
        "    def f(self):\n        self.loop.call_soon_threadsafe(print)\n"
        "        return self._streams, self.redis.pubsub()\n"
    )
    assert violations(source) == []


def test_no_module_imports_channels_redis():
    """The live hub talks to Redis with redis-py; channels-redis is only the bench's (dev)."""
    importing = [
        str(path.relative_to(ROOT.parent))
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(
            name.split(".")[0] == "channels_redis"
            for name in (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        )
    ]
    assert importing == []
