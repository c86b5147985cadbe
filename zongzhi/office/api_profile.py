"""(office part: profile) The API of this part."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["日常办公"])
