"""联动 during handling: the lead department asks for more co-handling departments.

Routing chooses the first co-departments; while handling, the lead department may find that others
must contribute. It asks (with the departments and a reason), the petition office reviews the
request, and each approved department gets a co-handling task (processes/co_request.bpmn, beside
the petition's own instance under its business key). The reply is not drafted until every opinion
asked for is in: the draft_reply form refuses while a request is open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.commands import Actor, StartInstance
from service.engine.models import HumanTask
from service.engine.runtime import Outcome, Runtime
from service.errors import Conflict, Forbidden, Invalid
from service.identity.models import Department
from service.petitions.models import Petition, PetitionDepartment
from service.petitions.projection import business_key, petition_of, petition_of_task
from service.petitions.rules import departments_without

PROCESS_KEY = "co_request"
HANDLING_STATUSES = frozenset({"in_progress", "extension_requested", "reopened"})
MAX_DEPARTMENTS = 5


def request_co_handling(
    session: Session,
    *,
    runtime: Runtime,
    petition: Petition,
    actor: Actor,
    departments: Sequence[str],
    reason: str,
) -> str:
    """Start the request; returns its instance id. Only the lead department, while handling."""
    lead = petition.department
    if lead is None or not ({f"handler@{lead}", f"head@{lead}"} & actor.groups):
        raise Forbidden("只有主办部门可以请求增加协办")
    if petition.status not in HANDLING_STATUSES:
        raise Conflict("只有办理中的事项可以请求增加协办")
    if petition.co_request_open:
        raise Conflict("已有待审核或办理中的协办请求")
    wanted = sorted(set(departments))
    _check_departments(session, petition, wanted)
    petition.co_request_open = True
    outcome = runtime.execute(
        StartInstance(
            model_key=PROCESS_KEY,
            actor=actor,
            business_key=business_key(petition.id),
            data={"petition_id": petition.id, "department": lead, "requested": wanted, "reason": reason},
        ),
        session=session,
    )
    return outcome.instance.id


def _check_departments(session: Session, petition: Petition, wanted: list[str]) -> None:
    active = set(session.scalars(select(Department.code).where(Department.active.is_(True))))
    problem = None
    if not wanted:
        problem = "请选择需要协办的部门"
    elif len(wanted) > MAX_DEPARTMENTS:
        problem = f"一次最多请求 {MAX_DEPARTMENTS} 个协办部门"
    elif unknown := [code for code in wanted if code not in active]:
        problem = f"未知的部门：{'、'.join(unknown)}"
    elif petition.department in wanted:
        problem = "协办部门不能包含主办部门"
    elif already := [code for code in wanted if code in (petition.co_departments or [])]:
        problem = f"已是协办部门：{'、'.join(already)}"
    elif unstaffed := departments_without(session, wanted):
        problem = f"{'、'.join(sorted(unstaffed.values()))}尚无承办人账号，无法协办"
    if problem:
        raise Invalid("协办请求有误", errors={"departments": problem})


def check_no_open_request(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """draft_reply validator: the reply waits for every co-handling opinion asked for. (The petition
    read here is the one the projection reads next: no extra statement.)"""
    petition = petition_of_task(session, task)
    if petition is not None and petition.co_request_open:
        return {"reply_text": "增加的协办部门尚未全部反馈意见，请待协办完成后再拟写答复"}
    return {}


class CoHandlingProjection:
    """An approved request makes its departments co-handlers of the petition (who may then see it)."""

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        petition = petition_of(session, outcome, PROCESS_KEY)
        if petition is None:
            return
        variables = outcome.variables
        if outcome.ended:
            petition.co_request_open = False
        if isinstance(outcome.command, StartInstance):
            outcome.record(
                "co_handling.requested",
                departments=variables.get("requested"),
                reason=variables.get("reason"),
            )
            return
        reviewed = any(element == "review_co_request" for element, _ in outcome.reached)
        if not reviewed:
            return
        if variables.get("co_request_approved") is not True:
            outcome.record("co_handling.rejected", comment=variables.get("review_comment"))
            return
        added = [
            code for code in variables.get("requested") or [] if code not in (petition.co_departments or [])
        ]
        petition.co_departments = sorted({*(petition.co_departments or []), *added})
        session.add_all(
            PetitionDepartment(
                petition_id=petition.id, department_code=code, role="co", assigned_at=outcome.now
            )
            for code in added
        )
        outcome.record("co_handling.approved", departments=added, comment=variables.get("review_comment"))
