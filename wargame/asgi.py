"""ASGI entry point: HTTP through Django, WebSockets through Channels (session-authenticated,
origin-checked), and ASGI lifespan to run the in-process game clock in the embedded default and
the process's live hub."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

from wargame.startup import require_secret_key  # noqa: E402

require_secret_key()  # before Django starts, which would fail with a vaguer message

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from wargame.game.clock import lifespan_app  # noqa: E402
from wargame.lib.nul_guard import RefuseNulCookies  # noqa: E402
from wargame.live.lifespan import with_live_hub  # noqa: E402
from wargame.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            RefuseNulCookies(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
        "lifespan": with_live_hub(lifespan_app),
    }
)
