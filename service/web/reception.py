"""领导接访 pages: the duty roster, reception sessions with appointments, and 包案 (the leader's own list)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from service.clock import LOCAL_TZ
from service.errors import Invalid, NotFound
from service.identity.roles import LEADER, OFFICE_ROLES, SEE_ALL_ROLES
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.petitions.vocabulary import STATUSES
from service.reception import instructions, roster, sessions
from service.reception import service as ownership
from service.reception.service import KIND_LABELS, Caller
from service.web import context
from service.web import reception_support as support
from service.web.context import db, services

blp = Blueprint("reception", __name__, url_prefix="/work/reception")
context.require_login(blp)


# -- duty roster ---------------------------------------------------------------------------------------


@blp.get("/roster")
def roster_page() -> str:
    today = support.today()
    month = request.args.get("month") or today.strftime("%Y-%m")
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    days = roster.list_roster(db(), first, last)
    return render_template(
        "reception/roster.html",
        days=days,
        first=first,
        last=last,
        today=today,
        names=support.names(),
        leaders=support.leaders(),
        may_edit=context.current_user().role in roster.ROSTER_ROLES,
        duty_today=roster.duty_leader_on(db(), today),
        previous=_shift(first, -1),
        following=_shift(first, 1),
    )


def _shift(first: date, months: int) -> str:
    index = first.year * 12 + first.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _editor() -> roster.Editor:
    caller = support.caller()
    return roster.Editor(caller.username, caller.role)


def _roster_action(
    success: str, month_field: str, change: Callable[[Any, roster.Editor, datetime], Any]
) -> Response:
    def run() -> None:
        app, editor = services(), _editor()
        with app.db.transaction() as tx:
            change(tx, editor, app.clock.now())

    month = request.form.get(month_field, "")[:7] or None
    return support.act(run, success, url_for("web.reception.roster_page", month=month))


@blp.post("/roster/generate")
def roster_generate() -> Response:
    form = request.form
    return _roster_action(
        "已生成值班表",
        "from",
        lambda tx, editor, now: roster.generate_roster(
            tx,
            calendar=services().calendar.current(),
            editor=editor,
            first=support.form_date("from"),
            last=support.form_date("to"),
            leaders=form.getlist("leaders") or None,
            include_rest_days=form.get("include_rest_days") == "1",
            replace=form.get("replace") == "1",
            now=now,
        ),
    )


@blp.post("/roster/swap")
def roster_swap() -> Response:
    return _roster_action(
        "已换班",
        "first",
        lambda tx, editor, now: roster.swap_days(
            tx, editor=editor, first=support.form_date("first"), second=support.form_date("second"), now=now
        ),
    )


@blp.post("/roster/assign")
def roster_assign() -> Response:
    form = request.form
    return _roster_action(
        "已调整值班",
        "day",
        lambda tx, editor, now: roster.assign_day(
            tx,
            editor=editor,
            day=support.form_date("day"),
            leader=form.get("leader", ""),
            note=form.get("note") or None,
            now=now,
        ),
    )


# -- sessions --------------------------------------------------------------------------------------------


def _require_viewer() -> None:
    if context.current_user().role not in SEE_ALL_ROLES:
        raise NotFound("页面不存在")


@blp.get("/sessions")
def sessions_page() -> str:
    _require_viewer()
    rows = sessions.list_sessions(db(), first=support.today().replace(day=1))
    return render_template(
        "reception/sessions.html",
        rows=rows,
        kinds=sessions.KINDS,
        statuses=sessions.SESSION_STATUSES,
        names=support.names(),
        leaders=support.leaders(),
        departments=petitions.department_names(db()),
        may_arrange=context.current_user().role in OFFICE_ROLES | {LEADER},
    )


@blp.post("/sessions")
def session_create() -> Response:
    form = request.form
    created: list[int] = []

    def run() -> None:
        try:
            starts_at = datetime.fromisoformat(form.get("starts_at", "")).replace(tzinfo=LOCAL_TZ)
            capacity = int(form.get("capacity") or 10)
        except ValueError as error:
            raise Invalid("接访安排有误", errors={"starts_at": "请填写时间与名额"}) from error
        plan = sessions.SessionPlan(
            kind=form.get("kind", ""),
            leader=form.get("leader", ""),
            starts_at=starts_at,
            place=form.get("place", ""),
            capacity=capacity,
            department=form.get("department") or None,
            topic=form.get("topic") or None,
        )
        app, caller = services(), support.caller()
        with app.db.transaction() as tx:
            created.append(sessions.create_session(tx, caller=caller, plan=plan, now=app.clock.now()).id)

    response = support.act(run, "已安排接访", url_for("web.reception.sessions_page"))
    return redirect(url_for("web.reception.session_page", session_id=created[0])) if created else response


@blp.get("/sessions/<int:session_id>")
def session_page(session_id: int) -> str:
    _require_viewer()
    row = sessions.get_session(db(), session_id)
    cases = sessions.cases_of_session(db(), row.id)
    user = context.current_user()
    caller = Caller(user.username, user.role)
    appointments = sessions.appointments_seen_by(db(), row, caller)
    linked = {a.petition_id for a in appointments if a.petition_id} | {c.petition_id for c in cases}
    found = {p.id: p for p in db().scalars(select(Petition).where(Petition.id.in_(linked)))} if linked else {}
    return render_template(
        "reception/session.html",
        row=row,
        may_arrange=sessions.may_arrange(caller, row.leader_username),
        appointments=appointments,
        cases=cases,
        petitions=found,
        kinds=sessions.KINDS,
        statuses=sessions.SESSION_STATUSES,
        appointment_statuses=sessions.APPOINTMENT_STATUSES,
        names=support.names(),
        departments=petitions.department_names(db()),
    )


def _session_action(
    session_id: int, success: str, change: Callable[[Any, Caller, datetime], Any]
) -> Response:
    def run() -> None:
        app, caller = services(), support.caller()
        with app.db.transaction() as tx:
            change(tx, caller, app.clock.now())

    return support.act(run, success, url_for("web.reception.session_page", session_id=session_id))


@blp.post("/sessions/<int:session_id>/appointments")
def session_book(session_id: int) -> Response:
    form = request.form
    return _session_action(
        session_id,
        "已预约",
        lambda tx, caller, now: sessions.book(
            tx,
            caller=caller,
            session_id=session_id,
            name=form.get("name", ""),
            phone=form.get("phone") or None,
            topic=form.get("topic", ""),
            petition_id=support.petition_id(form.get("petition")),
            now=now,
        ),
    )


@blp.post("/sessions/<int:session_id>/appointments/<int:appointment_id>")
def session_close_appointment(session_id: int, appointment_id: int) -> Response:
    form = request.form
    return _session_action(
        session_id,
        "已记录",
        lambda tx, caller, now: sessions.close_appointment(
            tx,
            caller=caller,
            appointment_id=appointment_id,
            status=form.get("status", ""),
            outcome=form.get("outcome") or None,
            petition_id=support.petition_id(form.get("petition")),
            now=now,
        ),
    )


@blp.post("/sessions/<int:session_id>/cases")
def session_add_case(session_id: int) -> Response:
    form = request.form
    return _session_action(
        session_id,
        "已列入带案下访",
        lambda tx, caller, now: sessions.add_case(
            tx,
            caller=caller,
            session_id=session_id,
            petition_id=support.petition_id(form.get("petition")) or 0,
            note=form.get("note") or None,
        ),
    )


@blp.post("/sessions/<int:session_id>/record")
def session_record(session_id: int) -> Response:
    return _session_action(
        session_id,
        "已记录接访情况",
        lambda tx, caller, now: sessions.record_session(
            tx, caller=caller, session_id=session_id, record=request.form.get("record", ""), now=now
        ),
    )


@blp.post("/sessions/<int:session_id>/cancel")
def session_cancel(session_id: int) -> Response:
    return _session_action(
        session_id,
        "已取消",
        lambda tx, caller, now: sessions.cancel_session(tx, caller=caller, session_id=session_id, now=now),
    )


# -- 包案 and instructions ----------------------------------------------------------------------------------


@blp.get("/cases")
def cases_page() -> str:
    user = context.current_user()
    include_ended = request.args.get("ended") == "1"
    mine = ownership.cases_of(db(), user.username, include_ended=include_ended)
    return render_template(
        "reception/cases.html",
        mine=mine,
        include_ended=include_ended,
        kind_labels=KIND_LABELS,
        names=support.names(),
        leaders=support.leaders(),
        departments=petitions.department_names(db()),
        statuses=STATUSES,
        is_leader=user.role == LEADER,
        is_office=user.role in OFFICE_ROLES,
        instructions={i.petition_id: i for i in instructions.instructions_by(db(), user.username)},
    )


@blp.post("/cases")
def case_take() -> Response:
    form = request.form

    def run() -> None:
        app, caller = services(), support.caller()
        petition_id = support.petition_id(form.get("petition"))
        if petition_id is None:
            raise Invalid("请填写信访事项", errors={"petition": "查询码或编号"})
        petitions.get_visible(db(), context.viewer(), petition_id)
        with app.db.transaction() as tx:
            ownership.take_case(
                tx,
                caller=caller,
                petition_id=petition_id,
                leader=form.get("leader") or None,
                now=app.clock.now(),
            )

    return support.act(run, "已包案，该事项列入包案领导的案件清单", url_for("web.reception.cases_page"))


@blp.post("/cases/<int:petition_id>/release")
def case_release(petition_id: int) -> Response:
    def run() -> None:
        app, caller = services(), support.caller()
        with app.db.transaction() as tx:
            ownership.release_case(
                tx,
                caller=caller,
                petition_id=petition_id,
                reason=request.form.get("reason", ""),
                now=app.clock.now(),
            )

    return support.act(run, "已解除包案", url_for("web.reception.cases_page"))


@blp.post("/cases/<int:petition_id>/instruct")
def case_instruct(petition_id: int) -> Response:
    def run() -> None:
        app, caller = services(), support.caller()
        with app.db.transaction() as tx:
            instructions.issue_instruction(
                tx,
                runtime=app.runtime,
                caller=caller,
                actor=context.actor(),
                petition_id=petition_id,
                department=request.form.get("department", ""),
                text=request.form.get("text", ""),
                now=app.clock.now(),
            )

    return support.act(run, "已批示，责任部门须在 7 个工作日内反馈", url_for("web.reception.cases_page"))
