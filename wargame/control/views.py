"""The facilitator console (white cell): exercises, creating one from a bundled scenario, the
console of one exercise, and QR codes for the join links."""

import io

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wargame.game.actions import (
    MOVE_CATEGORIES,
    NOTE_TAGS,
    VERDICTS,
    control_participant,
    do_create_exercise,
)
from wargame.game.models import Exercise, Participant, Team
from wargame.live import panes
from wargame.scenarios.loader import ScenarioError
from wargame.scenarios.models import Scenario
from wargame.scenarios.snapshots import bundled_files, snapshot_file
from wargame.scenarios.spec import METHODS


class CreateExerciseForm(forms.Form):
    scenario = forms.ChoiceField()
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")

    def __init__(self, *args, scenarios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [(s.pk, f"{s.title} ({s.slug})") for s in scenarios]


def bundled_scenarios() -> tuple[list[Scenario], list[str]]:
    """The newest snapshot of each bundled file, and the errors of files that do not parse."""
    scenarios, problems = [], []
    for path in bundled_files():
        try:
            scenarios.append(snapshot_file(path, bundled=True))
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
    return scenarios, problems


@login_required
@require_http_methods(["GET", "POST"])
def exercise_list(request):
    """Staff (facilitators of every exercise) see them all and create new ones; an observer
    (an instructor, an evaluator) sees the exercises they are seated in."""
    if not request.user.is_staff:
        if request.method == "POST":
            raise PermissionDenied("Only facilitators (staff) create exercises.")
        seats = observed_exercises(request.user)
        return render(request, "control/list.html", {"exercises": seats, "observer": True})
    scenarios, problems = bundled_scenarios()
    form = CreateExerciseForm(request.POST or None, scenarios=scenarios)
    if request.method == "POST" and form.is_valid():
        scenario = Scenario.objects.get(pk=form.cleaned_data["scenario"])
        exercise = do_create_exercise(scenario, form.cleaned_data["name"])
        return redirect("console", exercise_id=exercise.pk)
    exercises = Exercise.objects.select_related("scenario").prefetch_related("teams")
    context = {"exercises": exercises, "form": form, "problems": problems}
    return render(request, "control/list.html", context)


def observed_exercises(user):
    seated = Participant.objects.filter(user=user, role=Participant.Role.OBSERVER)
    return (
        Exercise.objects.filter(pk__in=seated.values("exercise_id"))
        .select_related("scenario")
        .prefetch_related("teams")
    )


@login_required
def console(request, exercise_id: int):
    """The white cell's console; read-only (no command controls) for an observer seat. The
    socket refuses an observer's commands whatever the page shows."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("scenario").prefetch_related("teams"), pk=exercise_id
    )
    seat = control_participant(exercise, request.user)
    if seat is None:
        raise PermissionDenied(
            "You have no facilitator or observer seat in this exercise: ask its facilitator."
        )
    teams = [
        {
            "team": team,
            "join_url": request.build_absolute_uri(reverse("join", args=[team.join_code])),
        }
        for team in exercise.teams.all()
    ]
    context = {
        "exercise": exercise,
        "spec": exercise.scenario.spec,
        "teams": teams,
        "read_only": seat.role != Participant.Role.FACILITATOR,
        "methods": METHODS,
        "categories": MOVE_CATEGORIES,
        "verdicts": VERDICTS,
        "note_tags": NOTE_TAGS,
        "team_names": {t.id: t.name for t in exercise.scenario.spec.teams},
        "panes": panes.definitions(),
    }
    return render(request, "control/console.html", context)


@login_required
def team_qr(request, exercise_id: int, team_code: str):
    """An SVG QR code of a team's join link, to put on the big screen; for the exercise's
    control seats (its console shows them)."""
    team = get_object_or_404(
        Team.objects.select_related("exercise"), exercise_id=exercise_id, code=team_code
    )
    if control_participant(team.exercise, request.user) is None:
        raise PermissionDenied("You have no facilitator or observer seat in this exercise.")
    url = request.build_absolute_uri(reverse("join", args=[team.join_code]))
    # A standalone SVG document (with its xmlns), as an <img> needs; svg_inline() is for
    # pasting into HTML and renders as nothing in an <img>.
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=5, border=2, title=f"Join {team.name}")
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


def locked_out(request, response, credentials):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the page says how
    many minutes to wait, in words (axes' own context has it as ISO 8601, "PT15M")."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)
