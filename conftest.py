"""Test-wide environment, set before Django reads its settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Parallel workers share one Redis: give each its own channel-layer and cache prefix.
os.environ.setdefault(
    "REDIS_PREFIX", f"wargame-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
