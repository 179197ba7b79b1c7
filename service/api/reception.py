"""领导接访: the duty roster, reception sessions and appointments, case ownership (包案), instructions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_smorest import Blueprint

from service.api.context import caller_first, current_user, require_role, require_writer, services, session
from service.api.schemas.reception import (
    AppointmentSchema,
    AssignSchema,
    BookSchema,
    CaseSchema,
    CloseAppointmentSchema,
    DutyDaySchema,
    DutyQuerySchema,
    DutySchema,
    FieldCaseSchema,
    GenerateSchema,
    InstructionCreateSchema,
    InstructionListSchema,
    InstructionQuerySchema,
    InstructionSchema,
    MyCasesQuerySchema,
    MyCasesSchema,
    OwnershipSchema,
    PeriodQuerySchema,
    RecordSchema,
    ReleaseSchema,
    RosterSchema,
    SessionCaseSchema,
    SessionCreateSchema,
    SessionDetailSchema,
    SessionListSchema,
    SessionQuerySchema,
    SessionSchema,
    SwapSchema,
    TakeCaseSchema,
)
from service.clock import LOCAL_TZ
from service.errors import Invalid
from service.identity.models import User
from service.identity.roles import SEE_ALL_ROLES
from service.identity.service import actor_for
from service.petitions import service as petitions
from service.petitions.access import Viewer
from service.reception import instructions, roster, sessions
from service.reception import service as ownership
from service.reception.models import Appointment, ReceptionSession, SessionCase
from service.reception.service import Caller

blp = Blueprint("reception", __name__, url_prefix="/api/v1/reception", description="领导接访与包案")


def _caller(user: User) -> Caller:
    return Caller(user.username, user.role)


def _editor() -> roster.Editor:
    user = require_writer()
    return roster.Editor(user.username, user.role)


# -- duty roster ---------------------------------------------------------------------------------------


@blp.route("/roster", methods=["GET"])
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, RosterSchema)
def list_roster(query: dict[str, Any]) -> dict[str, Any]:
    current_user()
    return {"items": roster.list_roster(session(), query["from_"], query["to"])}


@blp.route("/roster/generate", methods=["POST"])
@caller_first(_editor)
@blp.arguments(GenerateSchema)
@blp.response(201, RosterSchema)
def generate(body: dict[str, Any]) -> dict[str, Any]:
    editor, app = _editor(), services()
    with app.db.transaction() as tx:
        rows = roster.generate_roster(
            tx,
            calendar=app.calendar.current(),
            editor=editor,
            first=body["from_"],
            last=body["to"],
            leaders=body["leaders"],
            include_rest_days=body["include_rest_days"],
            replace=body["replace"],
            now=app.clock.now(),
        )
        return {"items": rows}


@blp.route("/roster/swap", methods=["POST"])
@caller_first(_editor)
@blp.arguments(SwapSchema)
@blp.response(200, RosterSchema)
def swap(body: dict[str, Any]) -> dict[str, Any]:
    editor, app = _editor(), services()
    with app.db.transaction() as tx:
        pair = roster.swap_days(
            tx, editor=editor, first=body["first"], second=body["second"], now=app.clock.now()
        )
        return {"items": list(pair)}


@blp.route("/roster/<string:day>", methods=["PUT"])
@caller_first(_editor)
@blp.arguments(AssignSchema)
@blp.response(200, DutyDaySchema)
def assign(body: dict[str, Any], day: str) -> Any:
    editor, app = _editor(), services()
    on = _date(day)
    with app.db.transaction() as tx:
        return roster.assign_day(
            tx, editor=editor, day=on, leader=body["leader"], note=body["note"], now=app.clock.now()
        )


@blp.route("/duty", methods=["GET"])
@blp.arguments(DutyQuerySchema, location="query")
@blp.response(200, DutySchema)
def duty(query: dict[str, Any]) -> dict[str, Any]:
    current_user()
    day = query["date"] or services().clock.now().astimezone(LOCAL_TZ).date()
    return {"date": day, "leader": roster.duty_leader_on(session(), day)}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise Invalid("日期格式不正确", errors={"date": "应为 YYYY-MM-DD"}) from error


# -- sessions and appointments ---------------------------------------------------------------------------


@blp.route("/sessions", methods=["GET"])
@caller_first(require_role, *SEE_ALL_ROLES)
@blp.arguments(SessionQuerySchema, location="query")
@blp.response(200, SessionListSchema)
def list_sessions(query: dict[str, Any]) -> dict[str, Any]:
    require_role(*SEE_ALL_ROLES)
    rows = sessions.list_sessions(session(), first=query["from_"], last=query["to"], leader=query["leader"])
    return {"items": rows}


@blp.route("/sessions", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(SessionCreateSchema)
@blp.response(201, SessionSchema)
def create_session(body: dict[str, Any]) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return sessions.create_session(
            tx, caller=_caller(user), plan=sessions.SessionPlan(**body), now=app.clock.now()
        )


@dataclass
class _SessionDetail:
    """A session with its appointments and cases, read by SessionDetailSchema like the row itself."""

    row: ReceptionSession
    appointments: Sequence[Appointment]
    cases: Sequence[SessionCase]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def _session_detail(session_id: int) -> _SessionDetail:
    row = sessions.get_session(session(), session_id)
    seen = sessions.appointments_seen_by(session(), row, _caller(current_user()))
    return _SessionDetail(row, seen, sessions.cases_of_session(session(), row.id))


@blp.route("/sessions/<int:session_id>", methods=["GET"])
@blp.response(200, SessionDetailSchema)
def show_session(session_id: int) -> _SessionDetail:
    require_role(*SEE_ALL_ROLES)
    return _session_detail(session_id)


@blp.route("/sessions/<int:session_id>/appointments", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(BookSchema)
@blp.response(201, AppointmentSchema)
def book(body: dict[str, Any], session_id: int) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return sessions.book(tx, caller=_caller(user), session_id=session_id, now=app.clock.now(), **body)


@blp.route("/appointments/<int:appointment_id>/close", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(CloseAppointmentSchema)
@blp.response(200, AppointmentSchema)
def close_appointment(body: dict[str, Any], appointment_id: int) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return sessions.close_appointment(
            tx, caller=_caller(user), appointment_id=appointment_id, now=app.clock.now(), **body
        )


@blp.route("/sessions/<int:session_id>/cases", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(FieldCaseSchema)
@blp.response(201, SessionCaseSchema)
def add_case(body: dict[str, Any], session_id: int) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return sessions.add_case(tx, caller=_caller(user), session_id=session_id, **body)


@blp.route("/sessions/<int:session_id>/record", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(RecordSchema)
@blp.response(200, SessionDetailSchema)
def record(body: dict[str, Any], session_id: int) -> _SessionDetail:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        sessions.record_session(
            tx, caller=_caller(user), session_id=session_id, record=body["record"], now=app.clock.now()
        )
    return _session_detail(session_id)


@blp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@blp.response(200, SessionSchema)
def cancel(session_id: int) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return sessions.cancel_session(tx, caller=_caller(user), session_id=session_id, now=app.clock.now())


# -- case ownership (包案) ------------------------------------------------------------------------------


@blp.route("/cases", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(TakeCaseSchema)
@blp.response(201, OwnershipSchema)
def take(body: dict[str, Any]) -> Any:
    user, app = require_writer(), services()
    petitions.get_visible(session(), Viewer.of(user), body["petition_id"])
    with app.db.transaction() as tx:
        return ownership.take_case(
            tx,
            caller=_caller(user),
            petition_id=body["petition_id"],
            leader=body["leader"],
            now=app.clock.now(),
        )


@blp.route("/cases/<int:petition_id>/release", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(ReleaseSchema)
@blp.response(200, OwnershipSchema)
def release(body: dict[str, Any], petition_id: int) -> Any:
    user, app = require_writer(), services()
    with app.db.transaction() as tx:
        return ownership.release_case(
            tx, caller=_caller(user), petition_id=petition_id, reason=body["reason"], now=app.clock.now()
        )


@blp.route("/cases/<int:petition_id>", methods=["GET"])
@blp.response(200, CaseSchema)
def show_case(petition_id: int) -> dict[str, Any]:
    petitions.get_visible(session(), Viewer.of(current_user()), petition_id)
    return {
        "petition_id": petition_id,
        "case_leader": ownership.case_leader_of(session(), petition_id),
        "history": ownership.ownership_history(session(), petition_id),
    }


@blp.route("/my-cases", methods=["GET"])
@blp.arguments(MyCasesQuerySchema, location="query")
@blp.response(200, MyCasesSchema)
def my_cases(query: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    found = ownership.cases_of(session(), user.username, include_ended=query["include_ended"])
    return {"items": [{"ownership": o, "petition": p} for o, p in found]}


# -- instructions (批示) and their follow-up --------------------------------------------------------------


@blp.route("/instructions", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(InstructionCreateSchema)
@blp.response(201, InstructionSchema)
def instruct(body: dict[str, Any]) -> Any:
    user, app = require_writer(), services()
    petitions.get_visible(session(), Viewer.of(user), body["petition_id"])
    with app.db.transaction() as tx:
        return instructions.issue_instruction(
            tx, runtime=app.runtime, caller=_caller(user), actor=actor_for(user), now=app.clock.now(), **body
        )


@blp.route("/instructions", methods=["GET"])
@blp.arguments(InstructionQuerySchema, location="query")
@blp.response(200, InstructionListSchema)
def list_instructions(query: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    if query["petition_id"] is not None:
        petitions.get_visible(session(), Viewer.of(user), query["petition_id"])
        return {"items": instructions.instructions_of(session(), query["petition_id"])}
    return {"items": instructions.instructions_by(session(), user.username)}
