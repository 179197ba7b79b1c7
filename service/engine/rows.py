"""The two writes every command makes — its instance row and the tasks it closes — as prebuilt Core
UPDATEs rather than through the ORM's unit of work, whose bookkeeping costs more than the SQL itself.

After each write the object's attributes are marked as stored (`set_committed_value`), so a later
flush does not write them again; anything else changed on the object is still flushed as usual.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.db import Base, table_of
from service.engine.models import HumanTask, ProcessInstance

_INSTANCE_COLUMNS = (
    "status",
    "business_status",
    "state",
    "completed_elements",
    "active_elements",
    "revision",
    "updated_at",
    "ended_at",
    "audit_seq",
    "audit_hash",
)
_TASK_CLOSING_COLUMNS = ("status", "completed_at", "completed_by")


def _by_id(model: type[Base], columns: tuple[str, ...]) -> Update:
    table = table_of(model)
    # Parameters named apart from the columns (SQLAlchemy reserves a column's own name in SET).
    values = {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns}
    return update(table).where(table.c.id == bindparam("row_id")).values(values)


_UPDATE_INSTANCE = _by_id(ProcessInstance, _INSTANCE_COLUMNS)
_CLOSE_TASK = _by_id(HumanTask, _TASK_CLOSING_COLUMNS)


def write_instance(session: Session, instance: ProcessInstance) -> None:
    """Store what a command changes on the instance row (state, projections, audit head) at once."""
    _write(session, instance, _UPDATE_INSTANCE, _INSTANCE_COLUMNS)


def close_task(session: Session, task: HumanTask, *, status: str, now: datetime, by: str | None) -> None:
    task.status, task.completed_at = status, now
    if by is not None:
        task.completed_by = by
    _write(session, task, _CLOSE_TASK, _TASK_CLOSING_COLUMNS)


def _write(
    session: Session, row: HumanTask | ProcessInstance, statement: Update, columns: tuple[str, ...]
) -> None:
    values = {name: getattr(row, name) for name in columns}
    session.execute(statement, {"row_id": row.id} | {f"new_{name}": value for name, value in values.items()})
    for name, value in values.items():
        set_committed_value(row, name, value)
