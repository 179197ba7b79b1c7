"""Deployed versions as immutable snapshots, cached in memory by id (they never change)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.models import ProcessModel, ProcessModelVersion
from service.errors import NotFound


@dataclass(frozen=True)
class VersionSnapshot:
    id: int
    model_key: str
    kind: str
    version: int
    sha256: str
    elements: Mapping[str, Mapping[str, Any]]
    forms: Mapping[str, Mapping[str, Any]]
    decisions: Mapping[str, int]
    deployed_at: datetime
    deployed_by: str

    @property
    def has_timers(self) -> bool:
        return any("timer" in element for element in self.elements.values())

    @classmethod
    def of(cls, row: ProcessModelVersion, kind: str) -> VersionSnapshot:
        return cls(
            id=row.id,
            model_key=row.model_key,
            kind=kind,
            version=row.version,
            sha256=row.sha256,
            elements=row.elements or {},
            forms=row.forms or {},
            decisions=row.decisions or {},
            deployed_at=row.deployed_at,
            deployed_by=row.deployed_by,
        )


class VersionStore:
    def __init__(self) -> None:
        self._by_id: dict[int, VersionSnapshot] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> VersionSnapshot:
        cached = self._by_id.get(version_id)
        if cached is not None:
            return cached
        row = session.get(ProcessModelVersion, version_id)
        if row is None:
            raise NotFound(f"流程版本 {version_id} 不存在")
        model = session.get(ProcessModel, row.model_key)
        snapshot = VersionSnapshot.of(row, model.kind if model else "bpmn")
        with self._lock:
            self._by_id[version_id] = snapshot
        return snapshot

    def latest(self, session: Session, model_key: str, version: int | None = None) -> VersionSnapshot:
        statement = select(ProcessModelVersion.id).where(ProcessModelVersion.model_key == model_key)
        if version is not None:
            statement = statement.where(ProcessModelVersion.version == version)
        version_id = session.scalar(statement.order_by(ProcessModelVersion.version.desc()).limit(1))
        if version_id is None:
            raise NotFound(f"流程 {model_key} 尚未部署" + (f"版本 {version}" if version else ""))
        return self.get(session, version_id)

    def sources(self, session: Session, version: VersionSnapshot) -> tuple[str, dict[str, str]]:
        """The diagram's XML and the sources of the decision tables it was deployed with."""
        source = session.scalar(
            select(ProcessModelVersion.source).where(ProcessModelVersion.id == version.id)
        )
        decisions = {}
        for decision_id, dmn_version_id in version.decisions.items():
            decisions[decision_id] = (
                session.scalar(
                    select(ProcessModelVersion.source).where(ProcessModelVersion.id == dmn_version_id)
                )
                or ""
            )
        return source or "", decisions
