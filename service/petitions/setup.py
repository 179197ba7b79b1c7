"""Plugs the petitions domain into the runtime: its projection, form checks and option lists."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from service.db import Database
from service.engine.models import ProcessInstance
from service.engine.runtime import Runtime
from service.identity.models import Department
from service.petitions import co_opinions, rules
from service.petitions.assignment import AssignmentReport
from service.petitions.co_handling import CoHandlingProjection, check_no_open_request
from service.petitions.documents import NoticeSources
from service.petitions.models import Category, Petition
from service.petitions.projection import PetitionProjection
from service.petitions.review import ReviewProjection, check_not_reaccepted
from service.petitions.supervision import SupervisionProjection

Choices = list[tuple[str, str]]


class ReferenceLists:
    """Departments and categories change rarely but are read on every form and notice: keep them briefly."""

    def __init__(self, db: Database, *, ttl_seconds: float = 30.0, now: Callable[[], float] = time.monotonic):
        self._db = db
        self._ttl = ttl_seconds
        self._now = now
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, Choices]] = {}

    def departments(self) -> Choices:
        return self._get(
            "departments",
            select(Department.code, Department.name)
            .where(Department.active.is_(True))
            .order_by(Department.sort_order, Department.code),
        )

    def categories(self) -> Choices:
        return self._get(
            "categories",
            select(Category.code, Category.name)
            .where(Category.active.is_(True))
            .order_by(Category.sort_order, Category.code),
        )

    def department_names(self) -> dict[str, str]:
        return dict(self.departments())

    def invalidate(self) -> None:
        with self._lock:
            self._cached.clear()

    def _get(self, name: str, statement: object) -> Choices:
        with self._lock:
            hit = self._cached.get(name)
            if hit is not None and self._now() - hit[0] < self._ttl:
                return hit[1]
        with self._db.session() as session:
            rows: Choices = [(code, label) for code, label in session.execute(statement)]  # type: ignore[call-overload]
        with self._lock:
            self._cached[name] = (self._now(), rows)
        return rows


def install(runtime: Runtime, db: Database) -> ReferenceLists:
    lists = ReferenceLists(db)
    sources = NoticeSources(department_names=lists.department_names, calendar=runtime.calendar)
    # The petition a task command is about is read with the instance lock, not in a query of its own.
    runtime.add_companion(Petition, Petition.process_instance_id == ProcessInstance.id)
    runtime.add_listener(PetitionProjection(sources))
    runtime.add_listener(SupervisionProjection(sources))
    runtime.add_listener(ReviewProjection(sources))
    runtime.add_listener(CoHandlingProjection())
    runtime.add_listener(AssignmentReport(sources))
    runtime.add_validator("screening", rules.check_screening)
    runtime.add_validator("screening", check_not_reaccepted)
    runtime.add_validator("screening", rules.ObjectionWindow(runtime.clock, runtime.calendar))
    runtime.add_validator("routing", rules.check_routing)
    runtime.add_validator("sign_for", rules.ReturnWindow(runtime.clock, runtime.calendar))
    runtime.add_validator("draft_reply", rules.check_draft_reply)
    runtime.add_validator("report_feedback", rules.check_report_feedback)
    runtime.add_validator("serve_reply", rules.check_serve_reply)
    runtime.add_validator("draft_reply", check_no_open_request)
    for form_key in co_opinions.SHOWN_AT:
        runtime.add_context_source(form_key, co_opinions.opinions_source(lists.department_names))
    runtime.add_option_source("departments", lists.departments)
    runtime.add_option_source("categories", lists.categories)
    return lists
