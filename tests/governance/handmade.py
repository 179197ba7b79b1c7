"""A small hand-made set of petitions whose metrics are worked out by hand in test_metrics.py, and a
hot issue registered through the API."""

from __future__ import annotations

from datetime import datetime

from service.clock import LOCAL_TZ
from service.governance.bulk import Clock, Dispatch, SyntheticPetition
from tests.conftest import petition_body
from tests.support import ApiClient


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def met(rule: str, due: datetime) -> Clock:
    return Clock(rule, due, "met", due)


def petition(**values: object) -> SyntheticPetition:
    base: dict[str, object] = {
        "title": "测试",
        "content": "测试内容",
        "category": "logistics.canteen",
        "channel": "letter",
        "request_type": "complaint",
    }
    base.update(values)
    return SyntheticPetition(**base)  # type: ignore[arg-type]


def march_set() -> list[SyntheticPetition]:
    return [
        # P1: closed in 10 days, satisfied and resolved, dispatched and signed in time
        petition(
            received_at=at(3, 2),
            status="closed",
            department="logistics",
            closed_at=at(3, 12),
            satisfaction="satisfied",
            resolved=True,
            clocks=[met("D2", at(3, 17)), met("D5", at(5, 1))],
            dispatches=[Dispatch("logistics", at(3, 3), at(3, 4), at(3, 3, 15))],
        ),
        # P2: closed in 20 days after its handling clock ran out; signed late; supervised
        petition(
            received_at=at(3, 3),
            status="closed",
            department="logistics",
            closed_at=at(3, 23),
            category="logistics.repairs",
            channel="online",
            satisfaction="basically_satisfied",
            resolved=False,
            clocks=[met("D2", at(3, 18)), Clock("D5", at(3, 20), "late", at(3, 22))],
            dispatches=[Dispatch("logistics", at(3, 4), at(3, 5), at(3, 6))],
            supervised_at=at(3, 10),
        ),
        # P3: returned by logistics (in time), re-dispatched to academic; closed in 3 days, dissatisfied
        petition(
            received_at=at(3, 5),
            status="closed",
            department="academic",
            closed_at=at(3, 8),
            category="teaching.exams",
            channel="visit",
            request_type="appeal",
            satisfaction="dissatisfied",
            resolved=False,
            clocks=[met("D2", at(3, 20)), met("D5", at(5, 4))],
            dispatches=[
                Dispatch("logistics", at(3, 5, 12), at(3, 6, 12), at(3, 5, 18), returned=True),
                Dispatch("academic", at(3, 6), at(3, 7), at(3, 6, 10)),
            ],
        ),
        # P4: a report (举报): closed in 10 days, never asked for satisfaction
        petition(
            received_at=at(3, 6),
            status="closed",
            department="discipline",
            closed_at=at(3, 16),
            category="ethics",
            request_type="report",
            petitioner_name=None,
            clocks=[met("D2", at(3, 21))],
        ),
        # P5: a consultation answered directly the next day (接诉即办)
        petition(
            received_at=at(3, 9),
            status="closed",
            department="office",
            closed_at=at(3, 10),
            category="other",
            channel="phone",
            request_type="consultation",
            satisfaction="satisfied",
            resolved=True,
            direct_answer=True,
            clocks=[met("D2", at(3, 24)), met("D14", at(3, 23))],
        ),
        # P6: a duplicate of P1, merged (closed_at set, but merged is not 办结)
        petition(
            received_at=at(3, 10),
            status="merged",
            closed_at=at(3, 11),
            duplicate_of=0,
            clocks=[met("D2", at(3, 25))],
        ),
        # P7: waiting for screening, its clock not yet due at the end of March
        petition(
            received_at=at(3, 20),
            status="screening",
            channel="online",
            clocks=[Clock("D2", at(4, 4), "active")],
        ),
        # P8: waiting for screening, its clock overdue
        petition(
            received_at=at(3, 1),
            status="screening",
            category="logistics.shuttle",
            channel="online",
            clocks=[Clock("D2", at(3, 16), "active")],
        ),
        # P9: screened late, dispatched, the 签收 still open after its due time
        petition(
            received_at=at(3, 12),
            status="in_progress",
            department="logistics",
            category="logistics.repairs",
            clocks=[Clock("D2", at(3, 27), "late", at(3, 28)), Clock("D5", at(5, 27), "active")],
            dispatches=[Dispatch("logistics", at(3, 28), at(3, 30), None)],
        ),
        # P10: received in February, closed on 5 March after 13 days, satisfied and resolved
        petition(
            received_at=at(2, 20),
            status="closed",
            department="logistics",
            closed_at=at(3, 5),
            satisfaction="satisfied",
            resolved=True,
            clocks=[met("D2", at(3, 7)), met("D5", at(4, 21))],
            dispatches=[Dispatch("logistics", at(2, 21), at(2, 24), at(2, 21, 10))],
        ),
        # P11: the last half hour of March
        petition(
            received_at=at(3, 31, 23, 30),
            status="screening",
            category="other",
            channel="online",
            request_type="suggestion",
            clocks=[Clock("D2", at(4, 15), "active")],
        ),
        # P12: the first moment of April (not March)
        petition(received_at=at(4, 1, 0, 0), status="screening", clocks=[Clock("D2", at(4, 16), "active")]),
        # P13: February only
        petition(
            received_at=at(2, 10),
            status="closed",
            department="logistics",
            closed_at=at(2, 20),
            satisfaction="satisfied",
            resolved=True,
            clocks=[met("D2", at(2, 25))],
        ),
        # P14: a consultation answered directly (接诉即办), dissatisfied, so converted to normal
        # handling: dispatched to academic (signed in time), answered by a 答复意见书, closed after
        # 10 days, satisfied and resolved. It keeps its direct reply but is not a direct answer.
        petition(
            received_at=at(3, 16),
            status="closed",
            department="academic",
            closed_at=at(3, 26),
            category="other",
            channel="phone",
            request_type="consultation",
            satisfaction="satisfied",
            resolved=True,
            direct_answer=True,
            reply_opinion=True,
            clocks=[met("D2", at(3, 31)), met("D14", at(3, 30)), met("D5", at(5, 17))],
            dispatches=[Dispatch("academic", at(3, 18), at(3, 19), at(3, 18, 11))],
        ),
        # P15: closed in 10 days, satisfied; the optional 已解决 question was not answered
        petition(
            received_at=at(3, 4),
            status="closed",
            department="academic",
            closed_at=at(3, 14),
            category="teaching.exams",
            channel="online",
            satisfaction="satisfied",
            clocks=[met("D2", at(3, 19)), met("D5", at(5, 3))],
        ),
        # P16: a complaint screened as 检举控告类 (accusation); closed in 14 days and followed up
        # (dissatisfied, unresolved), but 检举控告 is left out of satisfaction
        petition(
            received_at=at(3, 5),
            status="closed",
            department="discipline",
            closed_at=at(3, 19),
            category="ethics",
            statutory_class="accusation",
            satisfaction="dissatisfied",
            resolved=False,
            clocks=[met("D2", at(3, 20)), met("D5", at(5, 4))],
        ),
        # P17: its screening task was cancelled (the engine closes such a clock: neither met nor
        # late) and it was never screened: registered, so not accepted in time
        petition(received_at=at(3, 3), status="screening", clocks=[Clock("D2", at(3, 18), "closed")]),
        # P18: another 检举控告类 complaint, closed in 19 days, never asked for satisfaction
        petition(
            received_at=at(3, 6),
            status="closed",
            department="discipline",
            closed_at=at(3, 25),
            category="ethics",
            channel="visit",
            statutory_class="accusation",
            clocks=[met("D2", at(3, 21)), met("D5", at(5, 5))],
        ),
    ]


def register_hot_water(api: ApiClient, count: int = 6) -> None:
    """`count` students write about the same hot-water outage: enough to make a hot issue."""
    for n in range(count):
        api.register(
            petition_body(
                title="西区3号楼热水供应不稳定",
                content=f"西区3号楼热水时有时无，第{n}次。",
                petitioner={"name": f"学生{n}", "phone": f"1380000000{n}", "kind": "student"},
            )
        )
