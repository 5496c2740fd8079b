"""Settings for bench/fanout.py: the app's own settings, plus the Redis key prefix.

wargame/settings.py reads REDIS_PREFIX but (as of 2026-11-21) applies it to neither the channel
layer nor the cache, so a benchmark on a shared Redis would publish to the same pub/sub channels
(`asgi__group__exercise.<id>`) as any other deployment using that Redis. Pub/sub channels are
global to a Redis server (not per database number), so only a prefix separates them. This module
applies REDIS_PREFIX the way tests/conftest.py does, and only when settings did not already.
"""

from wargame.settings import *  # noqa: F403
from wargame.settings import CACHES, CHANNEL_LAYERS, REDIS_PREFIX, REDIS_URL

if REDIS_URL:
    _config = CHANNEL_LAYERS["default"].setdefault("CONFIG", {})
    _config.setdefault("prefix", REDIS_PREFIX)
    CACHES["default"].setdefault("KEY_PREFIX", REDIS_PREFIX)
