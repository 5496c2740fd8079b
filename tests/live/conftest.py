"""Each test has its own event loop, so its own live hub: closed at the end of the test, as the
ASGI lifespan closes a server's (its Redis connections and tasks)."""

import shutil

import pytest

from tests.conftest import IN_CI
from tests.processes import free_port, running
from wargame.live.hub import close_running_hub


@pytest.fixture(autouse=True)
async def _live_hub_closed():
    yield
    await close_running_hub()


@pytest.fixture
def private_redis():
    """A Redis server of this test's own, which the test may stop and start again."""
    if not shutil.which("redis-server"):
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    args += ["--appendonly", "no"]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"

        def __init__(self):
            self.process = None

        def start(self):
            self.process = running(args, {}, port=port)
            self.process.__enter__()

        def stop(self):
            self.process.__exit__(None, None, None)

    server = Server()
    server.start()
    yield server
    server.stop()
