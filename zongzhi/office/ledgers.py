"""The ledgers (台账): every office list as the standard register a unit prints and exports, and
the monthly ledger that bundles them (日清月结)."""

from __future__ import annotations
