"""Schemas shared by the governance, analytics and documents blueprints."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema


class ReportSchema(Schema):
    """A computed report (metrics, hot issues, an item's detail): already plain JSON values, passed
    through as they are. Its fields are described in docs/governance.md."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        return obj
