"""Migrating every running instance of a model (or a dry run listing which would move and which cannot)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service.engine.commands import Actor, MigrateInstance
from service.engine.models import INSTANCE_RUNNING, ProcessInstance, ProcessModelVersion
from service.engine.runtime import Runtime
from service.errors import DomainError


def migrate_instances(
    runtime: Runtime,
    *,
    model_key: str,
    to_version: int,
    actor: Actor,
    from_version: int | None = None,
    dry_run: bool = True,
) -> dict[str, Any]:
    with runtime.db.session() as session:
        target = runtime.versions.latest(session, model_key, to_version)
        statement = select(ProcessInstance.id).where(
            ProcessInstance.model_key == model_key,
            ProcessInstance.status == INSTANCE_RUNNING,
            ProcessInstance.version_id != target.id,
        )
        if from_version is not None:
            statement = statement.join(
                ProcessModelVersion, ProcessModelVersion.id == ProcessInstance.version_id
            ).where(ProcessModelVersion.version == from_version)
        instance_ids = list(session.scalars(statement.order_by(ProcessInstance.started_at)))
        plans = [runtime.plan_migration(session, instance_id, to_version) for instance_id in instance_ids]
    migrated, failed = [], []
    if not dry_run:
        for the_plan in plans:
            if not the_plan.can_migrate:
                continue
            try:
                runtime.execute(
                    MigrateInstance(instance_id=the_plan.instance_id, to_version=to_version, actor=actor)
                )
                migrated.append(the_plan.instance_id)
            except DomainError as error:
                failed.append({"instance_id": the_plan.instance_id, "reason": error.detail})
    return {
        "model": model_key,
        "to_version": to_version,
        "dry_run": dry_run,
        "movable": [p.as_dict() for p in plans if p.can_migrate],
        "blocked": [p.as_dict() for p in plans if not p.can_migrate],
        "migrated": migrated,
        "failed": failed,
    }
