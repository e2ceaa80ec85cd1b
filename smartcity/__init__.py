"""The project package: the wiring (settings, URLs, Celery, middleware, roles, health). The programme layer's
capabilities are apps of their own below it (accounts, reports, dashboards), and the development tooling too (demo,
bench)."""

from smartcity.celery import app as celery_app

__all__ = ("celery_app",)
