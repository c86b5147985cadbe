"""The demo's office records: three months of meetings, documents, activities, work logs, dispute
reports and risk assessments for the demo units, with the gaps the unit above should see. Each
part's records are written through its own services at past moments (see `demo_<part>.py`)."""

from __future__ import annotations

from . import demo_activities, demo_disputes, demo_documents, demo_meetings, demo_profile, demo_risks

# In the order they lean on each other: the profile's accounts and grid teams first; documents
# create officer accounts for villages without a persona before the reports are filed.
PARTS = (
    ("profile", demo_profile),
    ("meetings", demo_meetings),
    ("activities", demo_activities),
    ("documents", demo_documents),
    ("disputes", demo_disputes),
    ("risks", demo_risks),
)


def build_office_demo() -> dict[str, int]:
    """Run every part's demo once; returns the counts of the office's records by kind."""
    from .models import Activity, DisputeReport, Document, Meeting, RiskAssessment, WorkLog

    for _name, part in PARTS:
        part.build_demo()
    return {
        "meetings": Meeting.objects.count(),
        "documents": Document.objects.count(),
        "activities": Activity.objects.count(),
        "work_logs": WorkLog.objects.count(),
        "dispute_reports": DisputeReport.objects.count(),
        "risk_assessments": RiskAssessment.objects.count(),
    }
