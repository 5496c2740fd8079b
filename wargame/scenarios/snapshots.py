"""Store scenario files as snapshots and find the one an exercise should be created from."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from wargame.scenarios.loader import load_scenario_text
from wargame.scenarios.models import Scenario


class ScenarioNotFound(LookupError):
    pass


def snapshot_file(path: str | Path, *, bundled: bool = False) -> Scenario:
    """Parse the file (raising ScenarioError with file:line:col) and store it if it is new."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    spec = load_scenario_text(text, str(path))
    scenario, _ = Scenario.objects.get_or_create(
        slug=spec.id,
        source_sha256=Scenario.digest(text),
        defaults={
            "title": spec.title,
            "source_path": str(path),
            "source_text": text,
            "spec_json": spec.to_json(),
            "bundled": bundled,
        },
    )
    return scenario


def bundled_files() -> list[Path]:
    return sorted(Path(settings.SCENARIO_DIR).glob("*.yaml"))


def resolve_scenario(name: str) -> Scenario:
    """A bundled slug (its newest file version) or a path to a YAML file."""
    candidate = Path(name)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        if not candidate.exists():
            raise ScenarioNotFound(f"no scenario file at {name}")
        return snapshot_file(candidate)
    for path in bundled_files():
        scenario = snapshot_file(path, bundled=True)
        if scenario.slug == name:
            return scenario
    slugs = ", ".join(snapshot_file(p, bundled=True).slug for p in bundled_files())
    raise ScenarioNotFound(f"no bundled scenario '{name}' (bundled: {slugs or 'none'})")
