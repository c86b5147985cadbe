"""Zongzhi (综治): the information system of grassroots social-governance centres."""

from __future__ import annotations

__version__ = "0.1.0"

# Celery finds its app here (`celery -A zongzhi worker`); with no REDIS_URL tasks run in process.
from .celery import app as celery_app

__all__ = ["__version__", "celery_app"]
