"""The monthly bulletin (督查通报, /api/assess/bulletins): generate, print view, .docx, issue."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["考核评估"])
