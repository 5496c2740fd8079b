"""The ASGI lifespan of a server process: the game's (the in-process clock) plus this process's
live hub, started at startup and closed at shutdown (its Redis connections, tasks, and what is
still queued for publishing)."""

from __future__ import annotations

from wargame.live.hub import close_running_hub, running_hub


def with_live_hub(lifespan_app):
    """Wrap a lifespan app (wargame.game.clock.lifespan_app) so the hub lives as long as the
    server: started when the app reports startup complete, closed before it reports shutdown
    complete."""

    async def lifespan(scope, receive, send):
        async def sending(message):
            if message["type"] == "lifespan.startup.complete":
                running_hub()
            elif message["type"] == "lifespan.shutdown.complete":
                await close_running_hub()
            await send(message)

        await lifespan_app(scope, receive, sending)

    return lifespan
