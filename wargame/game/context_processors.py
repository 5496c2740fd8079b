"""Template context for every page: the input limits, for maxlength, min and max."""

from wargame.game.limits import LIMITS


def limits(request) -> dict:
    return {"limits": LIMITS}
