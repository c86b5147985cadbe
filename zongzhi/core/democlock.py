"""A clock the demo can set: demo data written by the real services at past moments.

`simulated_clock()` makes `django.utils.timezone.now()` (and so `localdate()`, every model
field defaulting to `timezone.now` and every service) return the clock's time, so a case
reported "three months ago" carries that time in its row, its timeline, its audit events and
its notifications, exactly as if it had happened then. For the demo command only: never in
a running server (it patches a module of Django's for the whole process while it is active).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.utils import timezone as django_timezone


class Clock:
    """The simulated time (aware); moved forward by the caller, never past the real now."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def set(self, at: dt.datetime) -> None:
        self.at = at


class _Meta(type):
    # `isinstance(x, datetime)` inside django.utils.timezone must still accept real datetimes.
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, dt.datetime)


@contextmanager
def simulated_clock(start: dt.datetime) -> Iterator[Clock]:
    """Within the block, `timezone.now()` is `clock.at` (Django's `now()` reads the module's
    `datetime` when called, so replacing that name reaches every caller, even field defaults
    that hold the function itself)."""
    clock = Clock(start)

    class _Datetime(dt.datetime, metaclass=_Meta):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            at = clock.at
            return at.astimezone(tz) if tz is not None else at.replace(tzinfo=None)

    with mock.patch.object(django_timezone, "datetime", _Datetime):
        yield clock
