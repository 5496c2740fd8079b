"""The facilitator console (white cell): exercise list and the console of one exercise."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from wargame.game.actions import MOVE_CATEGORIES
from wargame.game.models import Exercise
from wargame.scenarios.spec import METHODS


@staff_member_required
def exercise_list(request):
    exercises = Exercise.objects.select_related("scenario").prefetch_related("teams")
    return render(request, "control/list.html", {"exercises": exercises})


@staff_member_required
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
    }
    return render(request, "control/console.html", context)
