"""HTTP views of the live protocol: a pane's older items, for a page that scrolls back."""

from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wargame.live import panes
from wargame.live.identity import participant_for_session


@require_GET
@never_cache
def history(request, exercise_id: int):
    """GET /exercises/<id>/history/?pane=…&before=<seq>&limit=<n>: the newest `limit` (default
    50, at most 200) items of the pane with seq < before (default: the newest), oldest first,
    and whether there are older ones. Seated as on the socket, by the same audience rule."""
    seat = participant_for_session(request.session, request.user, exercise_id)
    if seat is None:
        raise Http404("No seat in this exercise.")
    exercise = seat.exercise
    try:
        before = _whole(request.GET.get("before"), "before", exercise.last_seq + 1, 1)
        limit = _whole(request.GET.get("limit"), "limit", panes.RECENT, 1, panes.MAX_LIMIT)
        name = request.GET.get("pane", "")
        found = panes.window(seat, exercise.scenario.spec, name, before=before, limit=limit)
    except panes.PaneRefused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"pane": name, **found})


def _whole(value, field: str, default: int, low: int, high: int | None = None) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise panes.PaneRefused(400, f"{field}: must be a whole number {bound}, got {value!r}")
    return number
