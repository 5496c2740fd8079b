"""Each test has its own event loop, so its own live hub: closed at the end of the test, as the
ASGI lifespan closes a server's (its Redis connections and tasks)."""

import pytest

from wargame.live.hub import close_running_hub


@pytest.fixture(autouse=True)
async def _live_hub_closed():
    yield
    await close_running_hub()
