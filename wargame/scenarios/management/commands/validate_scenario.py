"""Check scenario files: exit 0 when all are valid, 1 otherwise, with errors on stderr."""

import sys

from django.core.management.base import BaseCommand

from wargame.scenarios.loader import ScenarioError, load_scenario_file


class Command(BaseCommand):
    help = "Validate scenario YAML files; errors are printed as file:line:col: path: rule."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        failed = False
        for path in paths:
            try:
                spec = load_scenario_file(path)
            except ScenarioError as exc:
                failed = True
                for problem in exc.problems:
                    self.stderr.write(str(problem))
            except OSError as exc:
                failed = True
                self.stderr.write(f"{path}: cannot read: {exc.strerror}")
            else:
                self.stdout.write(
                    f"{path}: ok ({spec.id}: {len(spec.teams)} teams, "
                    f"{len(spec.hotlines)} hotlines, {len(spec.msel)} injects)"
                )
        if failed:
            sys.exit(1)
