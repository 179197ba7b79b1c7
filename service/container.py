"""The service container: every long-lived object, built once and handed down explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from service.campaign import setup as campaign_setup
from service.clock import Clock, SystemClock
from service.config import Settings
from service.db import Database
from service.engine.calendar_store import CalendarStore
from service.engine.runtime import Runtime
from service.governance import setup as governance_setup
from service.identity.service import TokenService
from service.notifications.assigned import AssignedNotice
from service.notifications.unstaffed import UnstaffedAlert
from service.petitions import setup as petitions_setup
from service.petitions.sealing import Sealer
from service.petitions.setup import ReferenceLists
from service.reception import setup as reception_setup


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    runtime: Runtime
    tokens: TokenService
    sealer: Sealer
    calendar: CalendarStore
    reference_lists: ReferenceLists  # the cached department and category options; invalidate on change


def build_services(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Services:
    clock = clock or SystemClock()
    db = db or Database.from_url(settings.database_url)
    calendar = CalendarStore(settings.processes_dir / "deadline_rules.json", db)
    runtime = Runtime(db=db, clock=clock, calendar=calendar.current)
    reference_lists = petitions_setup.install(runtime, db)
    campaign_setup.install(runtime, db)
    reception_setup.install(runtime, db)
    runtime.add_listener(UnstaffedAlert())
    runtime.add_listener(AssignedNotice())
    governance_setup.install(runtime, db)  # last: it starts items the other listeners raised
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        runtime=runtime,
        tokens=TokenService(settings.secret_key, settings.token_ttl_seconds),
        sealer=Sealer(settings.secret_key),
        calendar=calendar,
        reference_lists=reference_lists,
    )


def services_of(app: Flask) -> Services:
    services: Services = app.extensions["petitionflow"]
    return services
