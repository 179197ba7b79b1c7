"""Plugs the petitions domain into the runtime: its projection, form checks and option lists."""

from __future__ import annotations

from sqlalchemy import select

from service.db import Database
from service.engine.runtime import Runtime
from service.identity.models import Department
from service.petitions import rules
from service.petitions.models import Category
from service.petitions.projection import PetitionProjection


def install(runtime: Runtime, db: Database) -> None:
    runtime.add_listener(PetitionProjection())
    runtime.add_validator("screening", rules.check_screening)
    runtime.add_validator("routing", rules.check_routing)

    def departments() -> list[tuple[str, str]]:
        with db.session() as session:
            rows = session.execute(
                select(Department.code, Department.name)
                .where(Department.active.is_(True))
                .order_by(Department.sort_order, Department.code)
            )
            return [(code, name) for code, name in rows]

    def categories() -> list[tuple[str, str]]:
        with db.session() as session:
            rows = session.execute(
                select(Category.code, Category.name)
                .where(Category.active.is_(True))
                .order_by(Category.sort_order, Category.code)
            )
            return [(code, name) for code, name in rows]

    runtime.add_option_source("departments", departments)
    runtime.add_option_source("categories", categories)
