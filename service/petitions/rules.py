"""Checks on task submissions that need the database (registered with the runtime by form key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.models import HumanTask
from service.petitions.models import Petition
from service.petitions.projection import petition_id_of
from service.petitions.vocabulary import CLOSED_STATUSES


def check_screening(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    if data.get("decision") != "merge":
        return {}
    code = str(data.get("duplicate_of") or "").strip().upper()
    target = session.scalar(select(Petition).where(Petition.tracking_code == code))
    if target is None:
        return {"duplicate_of": "查询码不存在"}
    if target.id == petition_id_of(task.business_key):
        return {"duplicate_of": "不能合并到本件"}
    if target.status in CLOSED_STATUSES:
        return {"duplicate_of": "该事项已办结，请作为新事项受理或告知复查途径"}
    return {}


def check_routing(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    if data.get("department") in (data.get("co_departments") or []):
        return {"co_departments": "协办部门不能包含主办部门"}
    return {}
