"""交办 items (D12, 《信访工作条例》 art. 22): a higher body that assigns an item sets the days within
which the result is reported to it.

At registration the petition names the assigning body and those days; the D12 deadline is stored
with the instance's other deadlines (so it shows on the petition and counts when overdue). When
the petition is closed as handled (办结), the 办结报告 to that body is issued and the deadline is
met or late; any other ending (objected to and returned, not accepted …) closes the deadline.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.engine.commands import StartInstance
from service.engine.models import DeadlineRecord
from service.engine.projections import deadline_row, settle_deadlines
from service.engine.runtime import Outcome
from service.petitions import documents
from service.petitions.projection import PROCESS_KEY, issue_document, petition_of

REPORT_ELEMENT = "completion_report"


class AssignmentReport:
    def __init__(self, sources: documents.NoticeSources) -> None:
        self._sources = sources

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        petition = petition_of(session, outcome, PROCESS_KEY)
        if petition is None or petition.assigned_by is None:
            return
        if isinstance(outcome.command, StartInstance):
            due = self._sources.calendar().deadline("D12", petition.received_at, petition.report_days)
            row = deadline_row(
                instance_id=outcome.instance.id,
                task_id=None,
                element=REPORT_ELEMENT,
                due=due,
                now=outcome.now,
            )
            session.add(row)
            return
        if not outcome.ended:
            return
        handled = outcome.instance.business_status == "closed"
        if handled:
            issue_document(session, petition, REPORT_ELEMENT, outcome, self._sources)
        _settle(session, outcome, handled=handled)


def _settle(session: Session, outcome: Outcome, *, handled: bool) -> None:
    report = (DeadlineRecord.instance_id == outcome.instance.id, DeadlineRecord.element_id == REPORT_ELEMENT)
    settle_deadlines(session, *report, finished=handled, now=outcome.now)
