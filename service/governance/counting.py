"""The SQL behind the metrics: raw counts of one period, grouped by the petition's dimensions.

Every query groups by (department, category, channel, request_type) so one pass gives the totals
and every breakdown; `metrics.py` turns the counts into rates. Definitions are in docs/governance.md
(they follow DOMAIN.md §10; the choices §10 leaves open are written down there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased

from service.engine.models import TASK_COMPLETED, TASK_OPEN, DeadlineRecord, HumanTask
from service.governance.models import PetitionProfile
from service.petitions.models import Petition, PetitionDocument
from service.petitions.supervision import Supervision

ACCEPTANCE_RULES = ("D2", "D3")
# D12: a 交办 item is handled by the date its assigning body set, when that comes first.
HANDLING_RULES = ("D5", "D6", "D12", "D14", "REDO")
SATISFIED, BASICALLY = "satisfied", "basically_satisfied"
# Left out of 满意率/参评率 (DOMAIN.md §10: the national method leaves out 检举 and items unfit for
# disclosure): the request type 举报, and whatever screening classed as 检举控告类.
NOT_RATED_TYPES = ("report",)
NOT_RATED_CLASSES = ("accusation",)

Key = tuple[str | None, str | None, str | None, str | None]  # department, category, channel, request_type


@dataclass
class Counts:
    registered: int = 0
    open: int = 0
    repeat: int = 0
    overdue: int = 0
    acceptance_due: int = 0  # registered, less those still inside their acceptance window
    accepted_in_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    rating_eligible: int = 0
    rated: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    resolution_answered: int = 0  # rated, and the optional 已解决/未解决 question was answered
    resolved: int = 0
    handling_seconds: float = 0.0
    direct_answered: int = 0
    dispatched: int = 0
    dispatch_due: int = 0
    responded_in_time: int = 0  # signed for (not returned) by the 签收 due time
    returned: int = 0
    supervised: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class PeriodCounts:
    by_key: dict[Key, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def total(self) -> Counts:
        total = Counts()
        for counts in self.by_key.values():
            total.add(counts)
        return total


def _n(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _dims() -> list[Any]:
    return [Petition.department, Petition.category, Petition.channel, Petition.request_type]


def _document(kind: str) -> Any:
    return exists(
        select(literal(1)).where(PetitionDocument.petition_id == Petition.id, PetitionDocument.kind == kind)
    )


def _rating_eligible() -> ColumnElement[bool]:
    """Closed petitions that count for 满意率/参评率: neither 举报 nor 检举控告类 (NULL-safe)."""
    return and_(
        Petition.request_type.not_in(NOT_RATED_TYPES),
        or_(Petition.statutory_class.is_(None), Petition.statutory_class.not_in(NOT_RATED_CLASSES)),
    )


def _seconds_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _store(target: PeriodCounts, rows: Iterable[Any], names: list[str]) -> None:
    for row in rows:
        counts = target.by_key[(row[0], row[1], row[2], row[3])]
        for offset, name in enumerate(names, start=4):
            value = row[offset] or 0
            setattr(counts, name, getattr(counts, name) + (value if isinstance(value, int) else float(value)))


def count_period(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    as_of: datetime,
    closed_statuses: Iterable[str],
    department: str | None = None,
) -> PeriodCounts:
    """Raw counts of [since, until); clocks still running are judged as of `as_of`. With
    `department`, only that department's petitions (and the dispatches it received) count."""
    result = PeriodCounts()
    scope = Petition.department == department if department else true()
    _intake(
        session, result, since=since, until=until, as_of=as_of, closed=tuple(closed_statuses), scope=scope
    )
    _closed(session, result, since, until, scope)
    group = HumanTask.candidate_group == f"handler@{department}" if department else true()
    _dispatch(session, result, since=since, until=until, as_of=as_of, group=group)
    _supervision(session, result, since, until, scope)
    return result


def _intake(
    session: Session,
    result: PeriodCounts,
    *,
    since: datetime,
    until: datetime,
    as_of: datetime,
    closed: tuple[str, ...],
    scope: ColumnElement[bool],
) -> None:
    own = DeadlineRecord.instance_id == Petition.process_instance_id
    overdue_clock = and_(DeadlineRecord.status == "active", DeadlineRecord.due_at < as_of)
    late_or_overdue = exists(
        select(literal(1)).where(own, or_(DeadlineRecord.status == "late", overdue_clock))
    )
    acceptance = DeadlineRecord.rule.in_(ACCEPTANCE_RULES)
    # 及时受理率 is over the registered petitions (DOMAIN.md §10); the only ones left out are those
    # not yet judged: not screened and their acceptance clock still running inside its window as of
    # `as_of`. A registered petition without a met, late or running acceptance clock (none at all,
    # or only a cancelled one) counts as not accepted in time.
    judged = exists(select(literal(1)).where(own, acceptance, DeadlineRecord.status.in_(("met", "late"))))
    inside_window = exists(
        select(literal(1)).where(
            own, acceptance, DeadlineRecord.status == "active", DeadlineRecord.due_at >= as_of
        )
    )
    acceptance_pending = and_(~judged, inside_window)
    in_time = exists(select(literal(1)).where(own, acceptance, DeadlineRecord.status == "met"))
    rows = session.execute(
        select(
            *_dims(),
            func.count(),
            _n(Petition.status.not_in(closed)),
            _n(Petition.duplicate_of_id.is_not(None)),
            _n(late_or_overdue),
            _n(~acceptance_pending),
            _n(in_time),
        )
        .where(Petition.received_at >= since, Petition.received_at < until, scope)
        .group_by(*_dims())
    )
    _store(result, rows, ["registered", "open", "repeat", "overdue", "acceptance_due", "accepted_in_time"])


def _closed(
    session: Session, result: PeriodCounts, since: datetime, until: datetime, scope: ColumnElement[bool]
) -> None:
    late_handling = exists(
        select(literal(1)).where(
            DeadlineRecord.instance_id == Petition.process_instance_id,
            DeadlineRecord.rule.in_(HANDLING_RULES),
            DeadlineRecord.status == "late",
        )
    )
    # Answered directly: a 接诉即办 direct reply and no written reply of normal handling. A fast-track
    # petition converted to normal handling (转为正常办理, after a dissatisfied follow-up) keeps its
    # `direct_reply` notice but is finally answered by a `reply_opinion`: not a direct answer.
    direct = and_(_document("direct_reply"), ~_document("reply_opinion"))
    eligible = _rating_eligible()
    rated = and_(eligible, Petition.satisfaction.is_not(None))
    # 解决率 is over the rated petitions whose 已解决/未解决 question was answered (it is optional in
    # forms/follow_up.json): one not asked is not counted as unresolved.
    resolution_answered = and_(rated, PetitionProfile.resolved.is_not(None))
    rows = session.execute(
        select(
            *_dims(),
            func.count(),
            _n(~late_handling),
            _n(eligible),
            _n(rated),
            _n(and_(rated, Petition.satisfaction == SATISFIED)),
            _n(and_(rated, Petition.satisfaction == BASICALLY)),
            _n(resolution_answered),
            _n(and_(resolution_answered, PetitionProfile.resolved.is_(True))),
            func.coalesce(func.sum(_seconds_between(session, Petition.closed_at, Petition.received_at)), 0),
            _n(direct),
        )
        .outerjoin(PetitionProfile, PetitionProfile.petition_id == Petition.id)
        .where(Petition.status == "closed", Petition.closed_at >= since, Petition.closed_at < until, scope)
        .group_by(*_dims())
    )
    _store(
        result,
        rows,
        [
            "closed",
            "closed_on_time",
            "rating_eligible",
            "rated",
            "satisfied",
            "basically_satisfied",
            "resolution_answered",
            "resolved",
            "handling_seconds",
            "direct_answered",
        ],
    )


def _dispatch(
    session: Session,
    result: PeriodCounts,
    *,
    since: datetime,
    until: datetime,
    as_of: datetime,
    group: ColumnElement[bool],
) -> None:
    """签收 tasks created in the period, counted for the department they were dispatched to."""
    review = aliased(HumanTask)
    # A 退单 (sign_result 'return') is the 签收 task whose completion created a 审核退单 task.
    returned = exists(
        select(literal(1)).where(
            review.instance_id == HumanTask.instance_id,
            review.form_key == "return_review",
            review.created_at == HumanTask.completed_at,
        )
    )
    # 响应 = signed for by the due time. A return is not a response, nor is a task cancelled unanswered.
    in_time = and_(
        HumanTask.status == TASK_COMPLETED,
        HumanTask.completed_at.is_not(None),
        HumanTask.completed_at <= HumanTask.due_at,
        ~returned,
    )
    pending = and_(HumanTask.completed_at.is_(None), HumanTask.status == TASK_OPEN, HumanTask.due_at >= as_of)
    rows = session.execute(
        select(
            HumanTask.candidate_group,
            Petition.category,
            Petition.channel,
            Petition.request_type,
            func.count(),
            _n(~pending),
            _n(in_time),
            _n(returned),
        )
        .join(Petition, Petition.process_instance_id == HumanTask.instance_id)
        .where(
            HumanTask.form_key == "sign_for",
            HumanTask.created_at >= since,
            HumanTask.created_at < until,
            group,
        )
        .group_by(HumanTask.candidate_group, Petition.category, Petition.channel, Petition.request_type)
    )
    department_rows = (
        ((row[0] or "").partition("@")[2] or None, row[1], row[2], row[3], *row[4:]) for row in rows
    )
    _store(result, department_rows, ["dispatched", "dispatch_due", "responded_in_time", "returned"])


def _supervision(
    session: Session, result: PeriodCounts, since: datetime, until: datetime, scope: ColumnElement[bool]
) -> None:
    rows = session.execute(
        select(*_dims(), func.count())
        .select_from(Supervision)
        .join(Petition, Petition.id == Supervision.petition_id)
        .where(Supervision.started_at >= since, Supervision.started_at < until, scope)
        .group_by(*_dims())
    )
    _store(result, rows, ["supervised"])
