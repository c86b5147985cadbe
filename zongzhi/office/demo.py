"""The demo's office records: three months of meetings, documents, activities, work logs, dispute
reports and risk assessments for the demo units, with the gaps the unit above should see. Each
part's records are written through its own services at past moments (see `demo_<part>.py`)."""

from __future__ import annotations


def build_office_demo() -> dict[str, int]:
    """Run every part's demo once; returns the counts of each part, keyed `<part>.<what>`."""
    import importlib

    counts: dict[str, int] = {}
    for part in ("profile", "meetings", "activities", "documents", "disputes", "risks"):
        try:
            module = importlib.import_module(f"zongzhi.office.demo_{part}")
        except ModuleNotFoundError:
            continue  # this part has no demo records yet
        counts.update({f"{part}.{key}": value for key, value in module.build_demo().items()})
    return counts
