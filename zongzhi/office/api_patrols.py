"""Patrols (巡逻): /api/office/patrols — routes, patrols and check-ins. Handlers validate, call a
service, and serialize."""

from ninja import Router

router = Router(tags=["巡逻"])
