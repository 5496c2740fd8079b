#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - read the settings now, to report a bad value
    except ImproperlyConfigured as exc:
        # Django would swallow this and fail later with an unrelated traceback.
        sys.exit(f"configuration error: {exc}")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
