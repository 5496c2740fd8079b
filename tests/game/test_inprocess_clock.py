"""The embedded default's game clock: the ASGI server's lifespan loop fires due injects, with no
Celery and no Redis."""

import time

import pytest

from tests.conftest import fast_clock_exercise
from tests.processes import child_env, free_port, uvicorn
from wargame.game import actions
from wargame.game.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_uvicorn_lifespan_ticks_the_clock_in_the_embedded_default(tmp_path, fiona_user):
    exercise, facilitator = fast_clock_exercise(tmp_path, fiona_user, "In-process clock")
    actions.do_start_clock(facilitator)  # INJ-01 due one wall second later (x60)
    env = child_env()
    env.pop("REDIS_URL", None)  # embedded: in-memory layer, in-process clock
    delivered = Event.objects.filter(exercise=exercise, type="inject.delivered")
    with uvicorn(free_port(), env):
        deadline = time.monotonic() + 20
        while not delivered.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)
    assert [e.data["msel_id"] for e in delivered] == ["INJ-01"]
