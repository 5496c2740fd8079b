"""The embedded default's game clock: the ASGI server's lifespan loop fires due injects, with no
Celery and no Redis."""

import time
from pathlib import Path

import pytest

from tests.processes import child_env, free_port, uvicorn
from wargame.game import actions
from wargame.game.models import Event, Participant
from wargame.scenarios.snapshots import snapshot_file

pytestmark = pytest.mark.django_db(transaction=True)
MINI = Path(__file__).parent.parent / "fixtures" / "mini.yaml"


def test_uvicorn_lifespan_ticks_the_clock_in_the_embedded_default(tmp_path, fiona_user):
    path = tmp_path / "fast.yaml"
    path.write_text(MINI.read_text().replace('at: "0:10"', 'at: "0:01"'))
    exercise = actions.do_create_exercise(snapshot_file(path), "In-process clock")
    facilitator = Participant.objects.create(
        exercise=exercise, role="facilitator", user=fiona_user, name="Fiona"
    )
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
