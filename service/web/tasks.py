"""我的待办 and the task page: the form rendered from its JSON Schema beside the petition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.engine import recusal
from service.engine.commands import AssignTask, ClaimTask, CompleteTask, Recuse
from service.engine.models import TASK_OPEN, HumanTask
from service.errors import Conflict, Forbidden, Invalid
from service.governance import service as governance
from service.identity import assignees
from service.identity.roles import group_label
from service.identity.service import actor_for, display_names
from service.petitions import co_handling
from service.petitions import service as petitions
from service.petitions import tasks as task_service
from service.petitions.models import Petition
from service.petitions.projection import petition_id_of
from service.web import context, formrender, queries
from service.web.context import db, services
from service.web.petition_view import petition_context
from service.web.present import DueMark, due_mark

blp = Blueprint("tasks", __name__, url_prefix="/work/tasks")
context.require_login(blp)

SORTS = {
    "due": lambda r: (r.task.due_at is None, r.task.due_at or r.task.created_at),
    "created": lambda r: r.task.created_at,
    "title": lambda r: r.task.title,
}


@dataclass(frozen=True)
class TaskRow:
    task: HumanTask
    petition: Petition | None
    due: DueMark
    mine: bool
    group: str
    assignee: str | None  # the person who claimed it, by name
    item_title: str | None = None  # a governance task's item (it has no petition)


def _rows() -> list[TaskRow]:
    user, now = context.current_user(), services().clock.now()
    tasks = task_service.list_tasks(db(), user, everyone=request.args.get("scope") == "everyone")
    found = queries.petitions_by_id(db(), (petition_id_of(t.business_key) or 0 for t in tasks))
    items = governance.titles_by_key(db(), (t.business_key for t in tasks))
    departments = petitions.department_names(db())
    names = display_names(db(), {t.assignee for t in tasks if t.assignee})
    return [
        TaskRow(
            t,
            found.get(petition_id_of(t.business_key) or 0),
            due_mark(t.due_at, now),
            t.assignee == user.username,
            group_label(t.candidate_group, departments),
            names.get(t.assignee, t.assignee) if t.assignee else None,
            items.get(t.business_key or ""),
        )
        for t in tasks
    ]


def _matches(row: TaskRow, scope: str, due: str, text: str) -> bool:
    if (scope == "mine" and not row.mine) or (scope == "group" and row.mine):
        return False
    if due and row.due.css != due:
        return False
    haystack = f"{row.task.title} {row.petition.title if row.petition else row.item_title or ''} "
    haystack += row.petition.tracking_code if row.petition else ""
    return not text or text.lower() in haystack.lower()


@blp.get("")
def index() -> str:
    scope, due = request.args.get("scope", ""), request.args.get("due", "")
    text, sort = request.args.get("q", "").strip(), request.args.get("sort", "due")
    rows = [r for r in _rows() if _matches(r, scope, due, text)]
    rows.sort(key=SORTS.get(sort, SORTS["due"]), reverse=request.args.get("order") == "desc")
    overdue = sum(1 for r in rows if r.due.css == "overdue")
    return render_template(
        "work/tasks.html",
        rows=rows,
        overdue=overdue,
        args={"scope": scope, "due": due, "q": text, "sort": sort},
    )


# The lead department's handling steps, from which it may ask for more co-handlers.
CO_REQUEST_STEPS = frozenset({"handle", "handle_continue", "rehandle"})


def _task_page(
    task_id: str, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> str:
    user = context.current_user()
    row, petition = task_service.get_task(db(), user, task_id)
    runtime = services().runtime
    schema, form_title = runtime.forms.of_task(db(), row)
    start, context_values = runtime.task_view(db(), row)
    if values is not None:
        start = values
    order = queries.form_order(db(), runtime, row.instance_id, row.form_key)
    fields = formrender.build_fields(schema, start, errors, order)
    view = _petition_view(petition)
    recused = recusal.is_recused(db(), row, user.username)
    may_work = actor_for(user).may_work_on(row.candidate_group, row.assignee) and not recused
    may_claim = (
        actor_for(user).may_work_on(row.candidate_group, None) and row.assignee is None and not recused
    )
    may_reassign = assignees.may_reassign(user) and row.status == TASK_OPEN and not recused
    return render_template(
        "work/task.html",
        task=row,
        form_title=form_title,
        assignee=display_names(db(), {row.assignee}).get(row.assignee, row.assignee)
        if row.assignee
        else None,
        context_values=context_values,
        fields=fields,
        errors=errors or {},
        may_work=may_work,
        may_claim=may_claim,
        recused=recused,
        may_ask_co_handling=may_work and row.element_id in CO_REQUEST_STEPS,
        may_reassign=may_reassign,
        reassign_to=assignees.candidates(db(), row) if may_reassign else [],
        due=due_mark(row.due_at, services().clock.now()),
        **view,
    )


def _petition_view(petition: Petition | None) -> dict[str, Any]:
    if petition is None:
        return {"detail": None, "timeline": []}
    try:
        petitions.get_visible(db(), context.viewer(), petition.id)
    except Forbidden:
        return {"detail": None, "timeline": []}
    return petition_context(petition)


@blp.get("/<task_id>")
def show(task_id: str) -> str:
    return _task_page(task_id)


@blp.post("/<task_id>")
def complete(task_id: str) -> Response | tuple[str, int]:
    actor = context.actor()
    row, _ = task_service.get_task(db(), context.current_user(), task_id)
    schema, _ = services().runtime.forms.of_task(db(), row)
    data, errors = formrender.parse_submission(schema, request.form)
    try:
        if errors:
            raise Invalid("表单有误", errors=errors)
        services().runtime.execute(CompleteTask(task_id=task_id, actor=actor, data=data))
    except Invalid as error:
        messages = {k: str(v) for k, v in error.errors.items()}
        return _task_page(task_id, values=data, errors=messages or {"_": error.detail}), 422
    flash(f"已办理：{row.title}", "success")
    return redirect(url_for("web.tasks.index"))


@blp.post("/<task_id>/co-handling")
def request_co_handling(task_id: str) -> Response:
    _, petition = task_service.get_task(db(), context.current_user(), task_id)
    departments = request.form.getlist("co_request")
    reason = request.form.get("co_request_reason", "").strip()
    if petition is None or len(reason) < 2:
        flash("请求增加协办须选择部门并写明理由", "error")
        return redirect(url_for("web.tasks.show", task_id=task_id))
    try:
        with services().db.transaction() as tx:
            co_handling.request_co_handling(
                tx,
                runtime=services().runtime,
                petition=petitions.get_visible(tx, context.viewer(), petition.id),
                actor=context.actor(),
                departments=departments,
                reason=reason,
            )
    except (Invalid, Conflict) as error:
        problems = "；".join(str(v) for v in error.errors.values()) or error.detail
        flash(f"未能提交协办请求：{problems}", "error")
        return redirect(url_for("web.tasks.show", task_id=task_id))
    flash("已提交协办请求，待信访办审核；答复须待协办意见反馈后拟写", "success")
    return redirect(url_for("web.tasks.show", task_id=task_id))


@blp.post("/<task_id>/recuse")
def recuse(task_id: str) -> Response:
    reason = request.form.get("reason", "").strip()
    if len(reason) < 2:
        flash("申请回避须写明理由", "error")
        return redirect(url_for("web.tasks.show", task_id=task_id))
    services().runtime.execute(Recuse(task_id=task_id, actor=context.actor(), reason=reason))
    flash("已申请回避：该事项的任务将由他人办理", "success")
    return redirect(url_for("web.tasks.index"))


@blp.post("/<task_id>/assign")
def assign(task_id: str) -> Response:
    """改派 (the office's coordinators, the administrator): the same command as the API's."""
    user = context.current_user()
    if not assignees.may_reassign(user):
        raise Forbidden("只有督办员、研判员和流程管理员可以改派任务")
    assignee, reason = request.form.get("assignee", "").strip(), request.form.get("reason", "").strip()
    if not assignee or not 2 <= len(reason) <= 500:
        flash("改派须选择办理人，并写明理由（2–500 个字）", "error")
        return redirect(url_for("web.tasks.show", task_id=task_id))
    try:
        with services().db.transaction() as tx:
            row, _ = task_service.get_task(tx, user, task_id)
            to = assignees.assignee_for(tx, row, assignee)
            command = AssignTask(task_id=task_id, actor=context.actor(), assignee=to, reason=reason)
            services().runtime.execute(command, session=tx)
    except (Invalid, Conflict) as error:
        problems = "；".join(str(v) for v in error.errors.values()) or error.detail
        flash(f"未能改派：{problems}", "error")
        return redirect(url_for("web.tasks.show", task_id=task_id))
    name = display_names(db(), {assignee}).get(assignee, assignee)
    flash(f"已改派：{row.title}现由{name}办理", "success")
    return redirect(url_for("web.tasks.show", task_id=task_id))


@blp.post("/<task_id>/claim")
def claim(task_id: str) -> Response:
    release = request.form.get("release") == "1"
    services().runtime.execute(ClaimTask(task_id=task_id, actor=context.actor(), release=release))
    flash("已退回到组待办" if release else "已认领，该任务现由您办理", "success")
    return redirect(url_for("web.tasks.show", task_id=task_id))
