"""The entry points of an import's worker processes.

A worker is forked from the import fork server (import_reader.fork_server), which has set
Django up already; this module still imports nothing of Django at the top, so unpickling these
functions loads no models in a process that has not set it up.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

_checker: Any = None


def init(state: dict[str, Any], master: bytes, database: dict[str, Any]) -> None:
    """Set up Django, take the parent's key and database (a test run's database is not the
    one the settings name), build the row checker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zongzhi.settings")
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict.update(database)
    from zongzhi.core import crypto

    from .import_checker import RowChecker

    crypto.use_master_key(master)
    global _checker
    _checker = RowChecker(state)


def prepare(raw: bytes, line: int, vendor: str, now: dt.datetime) -> Any:
    """Check and seal a chunk: `raw` is a pickled list of rows, the first on `line` (as the xlsx
    parser process pickled it, or the importing process for CSV)."""
    import pickle

    from .import_writer import prepare as prepare_rows
    from .jobs import numbered

    assert _checker is not None, "init() did not run"
    return prepare_rows(numbered(pickle.loads(raw), line), _checker, vendor, now)
