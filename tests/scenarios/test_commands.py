"""validate_scenario, load_scenarios, create_exercise, and snapshot immutability."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from wargame.game.models import Exercise
from wargame.scenarios.models import Scenario
from wargame.scenarios.snapshots import bundled_files, snapshot_file

ROOT = Path(__file__).resolve().parent.parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"


def manage(*args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_validate_scenario_exit_codes_and_stderr(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text().replace("    side: red\n", "    side: purple\n"))
    ok = manage("validate_scenario", str(MINI), *map(str, bundled_files()))
    assert ok.returncode == 0, ok.stderr
    assert "mini-crisis: 3 teams, 2 hotlines, 3 injects" in ok.stdout
    failed = manage("validate_scenario", str(MINI), str(bad), str(tmp_path / "missing.yaml"))
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        f"{bad}:23:11: teams[2].side: unknown side 'purple' (use one of: blue, red, green)",
        f"{tmp_path / 'missing.yaml'}: cannot read: No such file or directory",
    ]


@pytest.mark.django_db
def test_bundled_scenarios_are_real_alliance_crises():
    call_command("load_scenarios")
    slugs = set(Scenario.objects.values_list("slug", flat=True))
    assert {"senkaku-gray-zone", "second-thomas-shoal"} <= slugs
    for scenario in Scenario.objects.filter(bundled=True):
        spec = scenario.spec
        sides = [t.side for t in spec.teams]
        assert len(spec.teams) >= 3 and sides.count("blue") >= 2 and len(set(sides)) >= 2
        team_ids = {t.id for t in spec.teams}
        assert any(set(h.members) < team_ids for h in spec.hotlines), "a hotline leaves a team out"
        assert len(spec.msel) >= 8


@pytest.mark.django_db
def test_create_exercise_prints_the_contract_json(capsys):
    call_command("create_exercise", str(MINI), "--name", "Seminar 3", "--json")
    out = json.loads(capsys.readouterr().out)
    exercise = Exercise.objects.get(pk=out["id"])
    assert exercise.name == "Seminar 3"
    assert out["scenario"] == "mini-crisis"
    assert [(t["id"], t["name"]) for t in out["teams"]] == [
        ("USA", "United States"),
        ("JPN", "Japan"),
        ("CHN", "China"),
    ]
    assert {t["join_code"] for t in out["teams"]} == set(
        exercise.teams.values_list("join_code", flat=True)
    )
    assert out["hotlines"] == [
        {"id": "acm", "members": ["USA", "JPN"]},
        {"id": "jpn-chn", "members": ["JPN", "CHN"]},
    ]


@pytest.mark.django_db
def test_create_exercise_from_a_bundled_slug_and_unknown_names(capsys):
    call_command("create_exercise", "second-thomas-shoal", "--json")
    assert json.loads(capsys.readouterr().out)["scenario"] == "second-thomas-shoal"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no bundled scenario 'atlantis' \\(bundled: "):
        call_command("create_exercise", "atlantis")


@pytest.mark.django_db
def test_editing_a_scenario_file_never_changes_a_past_exercise(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(MINI.read_text())
    call_command("create_exercise", str(path), "--json")
    first = Exercise.objects.get(pk=json.loads(capsys.readouterr().out)["id"])
    path.write_text(MINI.read_text().replace("Four cutters.", "Six cutters."))
    call_command("create_exercise", str(path), "--json")
    second = Exercise.objects.get(pk=json.loads(capsys.readouterr().out)["id"])
    first.refresh_from_db()
    assert first.scenario_id != second.scenario_id
    assert first.scenario.spec.msel[0].body == "Four cutters."
    assert second.scenario.spec.msel[0].body == "Six cutters."
    assert snapshot_file(path).pk == second.scenario_id  # unchanged file: same snapshot
