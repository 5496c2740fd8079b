from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "wargame.live"

    def ready(self):
        # The game appends events; the live app broadcasts them once committed.
        from wargame.game.log import on_event_committed
        from wargame.live.broadcast import broadcast_event

        on_event_committed(broadcast_event)
