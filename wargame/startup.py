"""Checks a server process makes before it serves: only servers sign sessions and CSRF tokens,
so only they need SECRET_KEY (management commands such as validate_scenario do not)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "SECRET_KEY is required when DEBUG is off: set SECRET_KEY to a long random string "
    "(or DEBUG=1 on a development laptop)"
)


def require_secret_key() -> None:
    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises when it is empty
    except ImproperlyConfigured:
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE) from None
