"""The commands the runtime executes: every change to a process instance is one of these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who issues a command, and the candidate groups they belong to (e.g. "handler@logistics")."""

    username: str
    groups: frozenset[str] = frozenset()
    read_only: bool = False

    @classmethod
    def system(cls, name: str = SYSTEM) -> Actor:
        return cls(username=name)

    def within_reach(self, candidate_group: str | None, assignee: str | None) -> bool:
        """Whether the task is this actor's business at all (its assignee, or one of its group),
        whoever holds it now: outside reach is 403, inside but held by another is 409."""
        if self.read_only:
            return False
        return assignee == self.username or (candidate_group is not None and candidate_group in self.groups)

    def may_work_on(self, candidate_group: str | None, assignee: str | None) -> bool:
        if self.read_only:
            return False
        if assignee is not None:
            return assignee == self.username
        return candidate_group is not None and candidate_group in self.groups


@dataclass(frozen=True)
class StartInstance:
    model_key: str
    actor: Actor
    business_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int | None = None


@dataclass(frozen=True)
class CompleteTask:
    task_id: str
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimTask:
    task_id: str
    actor: Actor
    release: bool = False


@dataclass(frozen=True)
class Recuse:
    """The actor steps aside (回避) from the instance of one of their tasks, giving the reason."""

    task_id: str
    actor: Actor
    reason: str


@dataclass(frozen=True)
class AssignTask:
    """改派: hand an open task to `assignee` (their candidate groups resolved by the caller), giving
    the reason. Who may do it is the edges' check (the office's coordinators, the administrator)."""

    task_id: str
    actor: Actor
    assignee: Actor
    reason: str


@dataclass(frozen=True)
class FireTimers:
    """Let every timer of an instance that is due at `as_of` fire (the sweeper sends one per due row)."""

    instance_id: str
    as_of: datetime
    actor: Actor = field(default_factory=Actor.system)


@dataclass(frozen=True)
class MigrateInstance:
    """Move a running instance to another version of its model (checked; see engine/migration.py)."""

    instance_id: str
    to_version: int
    actor: Actor


@dataclass(frozen=True)
class RecomputeTimers:
    """Recompute provisional timer deadlines with the current calendar (after a year is imported)."""

    instance_id: str
    actor: Actor


@dataclass(frozen=True)
class CancelInstance:
    instance_id: str
    actor: Actor
    reason: str


Command = (
    StartInstance
    | CompleteTask
    | ClaimTask
    | Recuse
    | AssignTask
    | FireTimers
    | CancelInstance
    | MigrateInstance
    | RecomputeTimers
)
