"""Reading deployed models, versions and instance paths (for the API and the modeler)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.models import ProcessInstance, ProcessModel, ProcessModelVersion
from service.errors import NotFound


def _version_dict(row: ProcessModelVersion) -> dict[str, Any]:
    return {
        "version": row.version,
        "sha256": row.sha256,
        "deployed_at": row.deployed_at,
        "deployed_by": row.deployed_by,
    }


def list_models(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    statement = select(ProcessModel).order_by(ProcessModel.kind, ProcessModel.key)
    if kind:
        statement = statement.where(ProcessModel.kind == kind)
    models = session.scalars(statement).all()
    versions = session.execute(
        select(
            ProcessModelVersion.model_key,
            ProcessModelVersion.version,
            ProcessModelVersion.sha256,
            ProcessModelVersion.deployed_at,
            ProcessModelVersion.deployed_by,
        ).order_by(ProcessModelVersion.model_key, ProcessModelVersion.version)
    ).all()
    by_key: dict[str, list[dict[str, Any]]] = {}
    for key, version, sha, at, by in versions:
        by_key.setdefault(key, []).append(
            {"version": version, "sha256": sha, "deployed_at": at, "deployed_by": by}
        )
    return [
        {
            "key": m.key,
            "name": m.name,
            "kind": m.kind,
            "latest_version": by_key[m.key][-1]["version"] if by_key.get(m.key) else None,
            "versions": by_key.get(m.key, []),
        }
        for m in models
    ]


def get_version(session: Session, key: str, number: int) -> ProcessModelVersion:
    row = session.scalar(
        select(ProcessModelVersion).where(
            ProcessModelVersion.model_key == key, ProcessModelVersion.version == number
        )
    )
    if row is None:
        raise NotFound(f"{key} 没有版本 {number}")
    return row


def version_metadata(session: Session, row: ProcessModelVersion) -> dict[str, Any]:
    model = session.get(ProcessModel, row.model_key)
    return _version_dict(row) | {
        "key": row.model_key,
        "name": model.name if model else row.model_key,
        "kind": model.kind if model else None,
        "elements": row.elements,
        "forms": sorted(row.forms),
        "decisions": row.decisions,
    }


def instance_view(session: Session, instance_id: str) -> dict[str, Any]:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound("流程实例不存在")
    version = session.get(ProcessModelVersion, instance.version_id)
    return {
        "id": instance.id,
        "process_key": instance.model_key,
        "version": version.version if version else None,
        "status": instance.status,
        "business_key": instance.business_key,
        "business_status": instance.business_status,
        "completed_elements": instance.completed_elements,
        "active_elements": instance.active_elements,
        "started_at": instance.started_at,
        "ended_at": instance.ended_at,
    }
