"""Who calls the game clock's tick: Celery beat in production, this in-process loop otherwise.

The loop runs inside the ASGI server's lifespan, so `make run` needs no other process. It is
safe to run alongside other tickers: firing is claimed per inject, exactly once.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from wargame.game.actions import tick_running_exercises

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0


def tick_once() -> int:
    close_old_connections()
    try:
        return tick_running_exercises()
    finally:
        close_old_connections()


async def run_clock(interval: float = TICK_SECONDS) -> None:
    while True:
        try:
            await sync_to_async(tick_once, thread_sensitive=False)()
        except Exception:  # keep ticking: one bad exercise must not stop every clock
            log.exception("game clock tick failed")
        await asyncio.sleep(interval)


async def lifespan_app(scope, receive, send):
    """ASGI lifespan: start the in-process clock when settings.GAME_CLOCK == "inprocess"."""
    task = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if settings.GAME_CLOCK == "inprocess":
                task = asyncio.create_task(run_clock())
                log.info("in-process game clock started")
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if task is not None:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return
