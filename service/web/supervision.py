"""督办事项: the list of supervisions, and a supervisor's own decision to supervise (发起督办) from
the petition page.

Access is the API's (service/api/supervision.py): the office, school leaders and the auditor read
supervisions; only a 督办员 starts one. Both go through the same domain functions as the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from service.engine.models import TASK_OPEN, HumanTask
from service.errors import Conflict, Invalid
from service.identity.models import User
from service.identity.roles import SUPERVISOR
from service.petitions import service as petitions
from service.petitions import supervision
from service.petitions.models import Petition
from service.petitions.vocabulary import (
    CLOSED_STATUSES,
    NOTICE_LABELS,
    SUPERVISION_STAGES,
    SUPERVISION_STATUSES,
)
from service.web import context, navigation, queries
from service.web.context import db, services
from service.web.petition_view import petition_context

blp = Blueprint("supervision", __name__, url_prefix="/work/supervision")
context.require_login(blp)

# Who reads the list: the roles the API's GET /api/v1/supervisions lets in.
READ_ROLES = navigation.SUPERVISION_ROLES
# Who starts one: the API's POST /api/v1/petitions/{id}/supervision takes a 督办员 only.
ISSUE_ROLES = frozenset({SUPERVISOR})
# The reason's length, as the API's SuperviseSchema checks it.
REASON_MIN, REASON_MAX = 2, 2000
FILTERS = ("all", supervision.OPEN, supervision.CLOSED)  # 全部, 进行中, 已办结
LABELS = {
    "triggers": NOTICE_LABELS["trigger"],
    "levels": NOTICE_LABELS["level"],
    "statuses": SUPERVISION_STATUSES,
    "stages": SUPERVISION_STAGES,
}


def may_read(user: User | None) -> bool:
    return user is not None and user.role in READ_ROLES


def may_issue(user: User | None) -> bool:
    return user is not None and user.role in ISSUE_ROLES


@blp.app_template_global("may_start_supervision")
def may_start_supervision(petition: Petition) -> bool:
    """The petition page offers 发起督办: to a 督办员, on an open petition not already supervised
    (the domain refuses the others anyway)."""
    return (
        may_issue(context.signed_in_user())
        and petition.status not in CLOSED_STATUSES
        and supervision.open_supervision(db(), petition.id) is None
    )


@dataclass(frozen=True)
class SupervisionRow:
    item: supervision.Supervision
    petition: Petition | None
    department: str | None  # the petition's lead department, by name
    due_at: datetime | None  # the earliest due date of the supervision's open steps


def _due_dates(session: Session, instance_ids: Iterable[str]) -> dict[str, datetime]:
    wanted = sorted(set(instance_ids))
    due: dict[str, datetime] = {}
    if not wanted:
        return due
    rows = session.execute(
        select(HumanTask.instance_id, HumanTask.due_at).where(
            HumanTask.instance_id.in_(wanted), HumanTask.status == TASK_OPEN, HumanTask.due_at.is_not(None)
        )
    ).all()
    for instance_id, due_at in rows:
        if due_at is not None and (instance_id not in due or due_at < due[instance_id]):
            due[instance_id] = due_at
    return due


def _rows(status: str | None) -> list[SupervisionRow]:
    session = db()
    items = supervision.list_supervisions(session, status=status)  # newest first
    found = queries.petitions_by_id(session, (s.petition_id for s in items))
    names = petitions.department_names(session)
    due = _due_dates(session, (s.instance_id for s in items if s.status == supervision.OPEN))
    rows = []
    for item in items:
        petition = found.get(item.petition_id)
        department = petition.department if petition else None
        rows.append(
            SupervisionRow(
                item,
                petition,
                names.get(department, department) if department else None,
                due.get(item.instance_id),
            )
        )
    rows.sort(key=lambda r: r.item.status != supervision.OPEN)  # stable: active first, newest first
    return rows


@blp.get("")
def index() -> str:
    context.require_role(*READ_ROLES)
    chosen = request.args.get("status", "all")
    if chosen not in FILTERS:
        chosen = "all"
    rows = _rows(None if chosen == "all" else chosen)
    return render_template("supervision/index.html", rows=rows, chosen=chosen, labels=LABELS)


def reason_errors(reason: str) -> dict[str, str]:
    if not reason:
        return {"reason": "请填写督办事由"}
    if len(reason) < REASON_MIN:
        return {"reason": f"督办事由至少 {REASON_MIN} 个字"}
    if len(reason) > REASON_MAX:
        return {"reason": f"督办事由不能超过 {REASON_MAX} 个字"}
    return {}


@blp.post("/petitions/<int:petition_id>")
def start(petition_id: int) -> Response | tuple[str, int]:
    context.require_role(*ISSUE_ROLES)
    actor = context.actor()
    reason = request.form.get("reason", "").strip()
    errors = reason_errors(reason)
    status = 422
    if not errors:
        try:
            app = services()
            with app.db.transaction() as tx:
                supervision.start_supervision(
                    tx,
                    runtime=app.runtime,
                    petition=petitions.get_visible(tx, context.viewer(), petition_id),
                    actor=actor,
                    trigger="manual",
                    reason=reason,
                )
        except Invalid as error:
            errors = {k: str(v) for k, v in error.errors.items()} or {"_": error.detail}
        except Conflict as error:
            errors, status = {"_": error.detail}, 409
    if errors:
        petition = petitions.get_visible(db(), context.viewer(), petition_id)
        page = render_template(
            "work/petition.html",
            **petition_context(petition),
            supervise_values={"reason": reason},
            supervise_errors=errors,
        )
        return page, status
    flash("已发起督办，请在“我的待办”中下达督办单", "success")
    return redirect(url_for("web.petitions.show", petition_id=petition_id, _anchor="supervision"))
