"""Store every bundled scenario file as a snapshot (new versions only)."""

from django.core.management.base import BaseCommand, CommandError

from wargame.scenarios.loader import ScenarioError
from wargame.scenarios.snapshots import bundled_files, snapshot_file


class Command(BaseCommand):
    help = "Load the bundled scenarios from scenarios/*.yaml."

    def handle(self, *args, **options):
        problems = []
        for path in bundled_files():
            try:
                scenario = snapshot_file(path, bundled=True)
            except ScenarioError as exc:
                problems.extend(str(p) for p in exc.problems)
                continue
            self.stdout.write(f"loaded {scenario.slug}: {scenario.title}")
        if problems:
            raise CommandError("invalid bundled scenarios:\n" + "\n".join(problems))
