"""Loaded once by the fork server that starts import workers (see import_reader.fork_server):
Django set up and the import's modules imported, but no database connection opened, so each
worker forked from it is ready at once instead of spending a second or two setting up Django."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zongzhi.settings")

import django

django.setup()

import openpyxl  # noqa: E402, F401  (the xlsx parser process reads with these)
import python_calamine  # noqa: E402, F401

from zongzhi.core import crypto  # noqa: E402, F401
from zongzhi.transfers import import_reader, imports  # noqa: E402, F401  (and the modules it runs)
