"""Patrols (巡逻): routes with their points, team and schedule; patrols walked on the phone with
check-ins and a track kept only while open; each ended patrol is a 治安巡逻 activity record."""

from __future__ import annotations

AUDIT_LABELS: dict[str, str] = {}
