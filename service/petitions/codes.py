"""Tracking codes as people type them: case and surrounding spaces do not matter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.petitions.models import Petition


def normal_code(value: Any) -> str:
    return str(value or "").strip().upper()


def petition_by_code(session: Session, value: Any) -> Petition | None:
    """The petition a typed tracking code names, if any."""
    code = normal_code(value)
    return session.scalar(select(Petition).where(Petition.tracking_code == code)) if code else None
