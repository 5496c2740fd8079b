"""Prepare the `make run` demo: a facilitator login and an exercise with each team's join link."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from wargame.game.actions import do_create_exercise
from wargame.game.models import Exercise
from wargame.scenarios.snapshots import resolve_scenario

DEMO_NAME = "Demo: Senkaku gray-zone crisis"


class Command(BaseCommand):
    help = "Create (once) a demo exercise and a facilitator account, and print how to get in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--scenario", default="senkaku-gray-zone")

    def handle(self, *args, host, port, scenario, **options):
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username="facilitator", defaults={"is_staff": True}
        )
        user.is_staff = True
        user.set_password(password)  # a fresh password each run, printed below
        user.save(update_fields=["password", "is_staff"])
        exercise = Exercise.objects.filter(name=DEMO_NAME).first()
        if exercise is None:
            exercise = do_create_exercise(resolve_scenario(scenario), DEMO_NAME)
        base = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(f"Facilitator console: {base}/control/exercises/{exercise.pk}/")
        self.stdout.write(f"  log in as: facilitator / {password}")
        self.stdout.write(f"Team join links for '{exercise.name}':")
        for team in exercise.teams.order_by("id"):
            self.stdout.write(f"  {team.name:<32} {base}/join/{team.join_code}/")
        self.stdout.write("")
