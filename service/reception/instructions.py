"""A leader's instruction on a received case (批示) and its follow-up: the responsible department
reports back within 7 working days (RECEPTION_FEEDBACK) and the leader reads the feedback.

The follow-up runs as `processes/reception_followup.bpmn` under the petition's business key, so its
tasks show in task lists beside the petition and its steps in the petition's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.commands import Actor, StartInstance
from service.engine.runtime import Runtime
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.identity.models import Department
from service.identity.roles import LEADER, OFFICE_ROLES
from service.petitions.access import is_protected
from service.petitions.models import Petition
from service.petitions.projection import business_key
from service.petitions.rules import REPORT_DEPARTMENT
from service.petitions.vocabulary import CLOSED_STATUSES
from service.reception import service as ownership
from service.reception.models import OPEN, Instruction
from service.reception.projection import FOLLOW_UP_PROCESS
from service.reception.service import Caller


def issue_instruction(
    session: Session,
    *,
    runtime: Runtime,
    caller: Caller,
    actor: Actor,
    petition_id: int,
    department: str,
    text: str,
    session_id: int | None = None,
    now: datetime,
) -> Instruction:
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFound("信访事项不存在")
    if petition.status in CLOSED_STATUSES:
        raise Conflict("已办结的事项不再批示")
    if caller.role == LEADER:
        leader = caller.username
    elif caller.role in OFFICE_ROLES:
        owner = ownership.case_leader_of(session, petition.id)
        if owner is None:
            raise Conflict("该事项没有接访或包案领导，无法代为登记批示")
        leader = owner
    else:
        raise Forbidden("只有校领导（或信访办代为登记）可以批示")
    errors = {}
    if session.get(Department, department) is None:
        errors["department"] = f"未知部门：{department}"
    elif department != REPORT_DEPARTMENT and is_protected(session, petition):
        # Art. 31, as at routing: an accusation never goes to the unit accused.
        errors["department"] = "举报及受限分类的事项，批示只能交纪委办公室落实（《信访工作条例》第三十一条）"
    if not text.strip():
        errors["text"] = "批示内容不能为空"
    if errors:
        raise Invalid("批示信息有误", errors=errors)
    row = Instruction(
        petition_id=petition.id,
        leader_username=leader,
        department_code=department,
        text=text.strip(),
        session_id=session_id,
        instructed_at=now,
        status=OPEN,
    )
    session.add(row)
    session.flush()
    outcome = runtime.execute(
        StartInstance(
            model_key=FOLLOW_UP_PROCESS,
            actor=actor,
            business_key=business_key(petition.id),
            data={
                "instruction_id": row.id,
                "petition_id": petition.id,
                "leader": leader,
                "department": department,
                "instruction": row.text,
                "instructed_at": now.isoformat(),
            },
        ),
        session=session,
    )
    row.process_instance_id = outcome.instance.id
    return row


def instructions_of(session: Session, petition_id: int) -> Sequence[Instruction]:
    return session.scalars(
        select(Instruction).where(Instruction.petition_id == petition_id).order_by(Instruction.id)
    ).all()


def instructions_by(session: Session, leader: str) -> Sequence[Instruction]:
    return session.scalars(
        select(Instruction)
        .where(Instruction.leader_username == leader)
        .order_by(Instruction.instructed_at.desc())
    ).all()
