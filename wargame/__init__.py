"""The crisis wargame facilitator: Django project package."""

from wargame.celery import app as celery_app

__all__ = ["celery_app"]
