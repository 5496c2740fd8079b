"""The facilitator console (white cell): exercises, creating one from a bundled scenario, the
console of one exercise, and QR codes for the join links."""

import segno
from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wargame.game.actions import MOVE_CATEGORIES, NOTE_TAGS, VERDICTS, do_create_exercise
from wargame.game.models import Exercise, Team
from wargame.live import panes
from wargame.scenarios.loader import ScenarioError
from wargame.scenarios.models import Scenario
from wargame.scenarios.snapshots import bundled_files, snapshot_file
from wargame.scenarios.spec import METHODS

# Staff users are facilitators; send everyone else to our login page, not the admin's.
facilitator_required = staff_member_required(login_url="login")


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


@facilitator_required
@require_http_methods(["GET", "POST"])
def exercise_list(request):
    scenarios, problems = bundled_scenarios()
    form = CreateExerciseForm(request.POST or None, scenarios=scenarios)
    if request.method == "POST" and form.is_valid():
        scenario = Scenario.objects.get(pk=form.cleaned_data["scenario"])
        exercise = do_create_exercise(scenario, form.cleaned_data["name"])
        return redirect("console", exercise_id=exercise.pk)
    exercises = Exercise.objects.select_related("scenario").prefetch_related("teams")
    context = {"exercises": exercises, "form": form, "problems": problems}
    return render(request, "control/list.html", context)


@facilitator_required
def console(request, exercise_id: int):
    exercise = get_object_or_404(
        Exercise.objects.select_related("scenario").prefetch_related("teams"), pk=exercise_id
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
        "methods": METHODS,
        "categories": MOVE_CATEGORIES,
        "verdicts": VERDICTS,
        "note_tags": NOTE_TAGS,
        "team_names": {t.id: t.name for t in exercise.scenario.spec.teams},
        "panes": panes.definitions(),
    }
    return render(request, "control/console.html", context)


@facilitator_required
def team_qr(request, exercise_id: int, team_code: str):
    """An SVG QR code of a team's join link, to put on the big screen."""
    team = get_object_or_404(Team, exercise_id=exercise_id, code=team_code)
    url = request.build_absolute_uri(reverse("join", args=[team.join_code]))
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2)
    return HttpResponse(svg, content_type="image/svg+xml")
