"""Player pages: joining a team by its code, and the team room."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from wargame.game.actions import MOVE_CATEGORIES, do_join_team
from wargame.game.limits import MAX_NAME
from wargame.game.models import Exercise, Team
from wargame.live import panes
from wargame.live.identity import participant_for_session, remember_seat
from wargame.play import ratelimit


class JoinForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME, strip=True, label="Your name")


def home(request):
    return render(request, "play/home.html")


@require_http_methods(["GET", "POST"])
def join(request, join_code: str):
    team = Team.objects.select_related("exercise__scenario").filter(join_code=join_code).first()
    if team is None:
        return _wrong_code(request)
    seat = participant_for_session(request.session, None, team.exercise_id)
    if seat is not None and seat.team_id == team.pk:
        # Already in this team (a second tab, Back and the form sent again): the same seat.
        return redirect("team_room", exercise_id=team.exercise_id)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        participant = do_join_team(team, form.cleaned_data["name"])
        # A new session key: a session id planted in this browser beforehand must not receive
        # the seat.
        request.session.cycle_key()
        remember_seat(request.session, participant)
        return redirect("team_room", exercise_id=team.exercise_id)
    return render(request, "play/join.html", {"team": team, "form": form})


def _wrong_code(request):
    wait = ratelimit.wait_seconds(request)
    if wait:
        response = render(request, "play/join_rate_limited.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    ratelimit.record_failure(request)
    return render(request, "play/join_unknown.html", status=404)


def team_room(request, exercise_id: int):
    exercise = get_object_or_404(Exercise.objects.select_related("scenario"), pk=exercise_id)
    seat = participant_for_session(request.session, request.user, exercise.pk)
    if seat is None:
        raise Http404("You have not joined this exercise: use your team's join link.")
    if seat.is_control:
        return redirect("console", exercise_id=exercise.pk)
    spec = exercise.scenario.spec
    names = {t.id: t.name for t in spec.teams}
    hotlines = [
        {
            "id": h.id,
            "name": h.name,
            "others": [names[m] for m in h.members if m != seat.team_code],
        }
        for h in spec.hotlines
        if seat.team_code in h.members
    ]
    context = {
        "exercise": exercise,
        "seat": seat,
        "team": spec.team(seat.team_code),
        "spec": spec,
        "hotlines": hotlines,
        "other_teams": [t for t in spec.teams if t.id != seat.team_code],
        "team_names": names,
        "categories": MOVE_CATEGORIES,
        "panes": panes.definitions(),
    }
    return render(request, "play/room.html", context)
