"""Create an exercise from a bundled scenario slug or a scenario file path."""

import json

from django.core.management.base import BaseCommand, CommandError

from wargame.game.actions import do_create_exercise
from wargame.game.models import Exercise
from wargame.scenarios.loader import ScenarioError
from wargame.scenarios.snapshots import ScenarioNotFound, resolve_scenario


def exercise_summary(exercise: Exercise) -> dict:
    spec = exercise.scenario.spec
    return {
        "id": exercise.pk,
        "scenario": exercise.scenario.slug,
        "teams": [
            {"id": t.code, "name": t.name, "join_code": t.join_code}
            for t in exercise.teams.order_by("id")
        ],
        "hotlines": [{"id": h.id, "members": list(h.members)} for h in spec.hotlines],
    }


class Command(BaseCommand):
    help = "Create an exercise from SCENARIO (a bundled slug or a path to a YAML file)."

    def add_arguments(self, parser):
        parser.add_argument("scenario", metavar="SCENARIO")
        parser.add_argument("--name", default="")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, scenario, name, json: bool, **options):
        try:
            snapshot = resolve_scenario(scenario)
        except ScenarioError as exc:
            raise CommandError(f"invalid scenario:\n{exc}") from None
        except ScenarioNotFound as exc:
            raise CommandError(str(exc)) from None
        exercise = do_create_exercise(snapshot, name)
        summary = exercise_summary(exercise)
        if json:
            self.stdout.write(_dumps(summary))
            return
        self.stdout.write(f"Exercise {exercise.pk}: {exercise.name}")
        for team in summary["teams"]:
            self.stdout.write(f"  {team['id']:<6} {team['name']:<30} /join/{team['join_code']}/")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
