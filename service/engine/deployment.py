"""Deploying diagrams, decision tables and forms as immutable, content-hashed versions.

A BPMN version pins what it was validated against: the latest deployed version of each form it
names and of each decision table it calls. Its content hash covers the XML and those pins, so
deploying the same content again returns the existing version, and changing a form (or a
routing table) and redeploying makes a new version while running instances keep theirs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.engine.forms import FormDefinitionError, check_form
from service.engine.models import ProcessModel, ProcessModelVersion
from service.engine.sandbox import check_source
from service.engine.scripting import HELPER_NAMES
from service.engine.specs import (
    DeployContext,
    DeployRejected,
    Problem,
    kind_of,
    parse_xml,
    validate_bpmn,
)


@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    kind: str
    created: bool
    version_id: int
    # Diagrams redeployed because they call a decision table that just changed: (key, new version).
    dependents: tuple[tuple[str, int], ...] = ()


def deploy_source(
    session: Session, *, source: str | bytes, filename: str, actor: str, roles: frozenset[str], now: datetime
) -> Deployed:
    """Validate and deploy one file (.bpmn, .dmn or a form .json); raise DeployRejected with every reason."""
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    if filename.endswith(".json"):
        return _deploy_form(session, text, actor, now)
    root = parse_xml(text)
    if kind_of(root) == "dmn":
        deployed = _deploy_dmn(session, root, text, actor, now)
        if not deployed.created:
            return deployed
        return replace(
            deployed, dependents=_redeploy_dependents(session, deployed, actor=actor, roles=roles, now=now)
        )
    return _deploy_bpmn(session, root, text, actor=actor, roles=roles, now=now)


def _redeploy_dependents(
    session: Session, table: Deployed, *, actor: str, roles: frozenset[str], now: datetime
) -> tuple[tuple[str, int], ...]:
    """A changed decision table takes effect through new versions of the diagrams that call it
    (running instances keep theirs until migrated)."""
    changed = set(
        (session.get(ProcessModelVersion, table.version_id) or ProcessModelVersion()).elements or {}
    )
    dependents = []
    for key, (version_id, source) in sorted(latest_sources(session, "bpmn").items()):
        row = session.get(ProcessModelVersion, version_id)
        if row is not None and changed & set(row.decisions or {}):
            redeployed = _deploy_bpmn(session, parse_xml(source), source, actor=actor, roles=roles, now=now)
            dependents.append((key, redeployed.version))
    return tuple(dependents)


def _deploy_form(session: Session, text: str, actor: str, now: datetime) -> Deployed:
    try:
        form = json.loads(text)
        check_form(form)
    except (json.JSONDecodeError, FormDefinitionError, Exception) as error:
        raise DeployRejected([Problem(None, f"表单定义无效：{error}")]) from error
    canonical = _canonical(form)
    return _store(
        session,
        key=form["key"],
        name=form.get("title", form["key"]),
        kind="form",
        source=canonical,
        sha=_sha(canonical),
        actor=actor,
        now=now,
    )


def _deploy_dmn(session: Session, root: etree._Element, text: str, actor: str, now: datetime) -> Deployed:
    from service.engine.specs import PetitionFlowParser

    try:
        parser = PetitionFlowParser()
        parser.add_dmn_xml(root)
        decisions = list(parser.dmn_parsers)
        for decision_id in decisions:
            parser.dmn_parsers[decision_id].parse()
    except Exception as error:
        raise DeployRejected([Problem(root.get("id"), f"决策表解析失败：{error}")]) from error
    problems = [
        Problem(decision_id, message)
        for decision_id in decisions
        for message in decision_problems(parser.dmn_parsers[decision_id].decision)
    ]
    if problems:
        raise DeployRejected(problems)
    elements = {
        decision_id: {"type": "decision", "name": parser.dmn_parsers[decision_id].get_name()}
        for decision_id in decisions
    }
    key = root.get("id") or (decisions[0] if decisions else "decisions")
    return _store(
        session,
        key=key,
        name=root.get("name") or key,
        kind="dmn",
        source=text,
        sha=_sha(text),
        actor=actor,
        now=now,
        elements=elements,
    )


def _deploy_bpmn(
    session: Session, root: etree._Element, text: str, *, actor: str, roles: frozenset[str], now: datetime
) -> Deployed:
    forms = latest_sources(session, "form")
    form_schemas = {key: json.loads(source) for key, (_, source) in forms.items()}
    dmn_files = latest_sources(session, "dmn")
    decision_index = _decision_index(session, dmn_files)
    context = DeployContext(
        forms=form_schemas,
        roles=roles,
        decisions={decision: source for decision, (_, source) in decision_index.items()},
        helper_names=HELPER_NAMES,
    )
    info, problems = validate_bpmn(root, context)
    if problems or info is None:
        raise DeployRejected(problems)
    pinned_forms = {key: form_schemas[key] for key in sorted(info.form_keys)}
    pinned_decisions = {d: decision_index[d][0] for d in sorted(info.decision_refs)}
    sha = _sha(text + _canonical(pinned_forms) + _canonical(pinned_decisions))
    return _store(
        session,
        key=info.key,
        name=info.name,
        kind="bpmn",
        source=text,
        sha=sha,
        actor=actor,
        now=now,
        elements=info.elements,
        forms=pinned_forms,
        decisions=pinned_decisions,
    )


def latest_sources(session: Session, kind: str) -> dict[str, tuple[int, str]]:
    """Model key → (version id, source) of the newest version of every model of `kind`."""
    newest = (
        select(ProcessModelVersion.model_key, func.max(ProcessModelVersion.version).label("version"))
        .join(ProcessModel, ProcessModel.key == ProcessModelVersion.model_key)
        .where(ProcessModel.kind == kind)
        .group_by(ProcessModelVersion.model_key)
        .subquery()
    )
    rows = session.execute(
        select(ProcessModelVersion.model_key, ProcessModelVersion.id, ProcessModelVersion.source).join(
            newest,
            (newest.c.model_key == ProcessModelVersion.model_key)
            & (newest.c.version == ProcessModelVersion.version),
        )
    )
    return {key: (version_id, source) for key, version_id, source in rows}


def _decision_index(session: Session, dmn_files: Mapping[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """Decision id → (DMN version id, source) over the newest version of every DMN model."""
    index: dict[str, tuple[int, str]] = {}
    for version_id, source in dmn_files.values():
        row = session.get(ProcessModelVersion, version_id)
        for decision_id in row.elements if row else {}:
            index[decision_id] = (version_id, source)
    return index


def _store(
    session: Session,
    *,
    key: str,
    name: str,
    kind: str,
    source: str,
    sha: str,
    actor: str,
    now: datetime,
    elements: Mapping[str, Any] | None = None,
    forms: Mapping[str, Any] | None = None,
    decisions: Mapping[str, int] | None = None,
) -> Deployed:
    model = session.get(ProcessModel, key)
    if model is None:
        model = ProcessModel(key=key, name=name, kind=kind, created_at=now)
        session.add(model)
        session.flush()
    elif model.kind != kind:
        raise DeployRejected([Problem(None, f"{key} 已被一个 {model.kind} 模型使用")])
    existing = session.scalar(
        select(ProcessModelVersion).where(
            ProcessModelVersion.model_key == key, ProcessModelVersion.sha256 == sha
        )
    )
    if existing is not None:
        return Deployed(key, existing.version, kind, False, existing.id)
    number = (
        session.scalar(
            select(func.max(ProcessModelVersion.version)).where(ProcessModelVersion.model_key == key)
        )
        or 0
    ) + 1
    model.name = name
    row = ProcessModelVersion(
        model_key=key,
        version=number,
        sha256=sha,
        source=source,
        forms=dict(forms or {}),
        decisions=dict(decisions or {}),
        elements=dict(elements or {}),
        deployed_by=actor,
        deployed_at=now,
    )
    session.add(row)
    session.flush()
    chain.append(
        session,
        [
            PendingEvent(
                actor=actor,
                action="model.deployed",
                data={"key": key, "kind": kind, "version": number, "sha256": sha},
            )
        ],
        at=now,
    )
    return Deployed(key, number, kind, True, row.id)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decision_problems(decision: Any) -> list[str]:
    """Sandbox-check every expression of a decision table the way the DMN engine will evaluate it."""
    problems: list[str] = []
    for table in decision.decisionTables:
        for column in table.inputs:
            if column.expression:
                problems += [
                    f"输入列 {column.label}：{r}" for r in check_source(column.expression, mode="eval")
                ]
        for rule in table.rules:
            for entry in rule.inputEntries:
                for text in (t for t in entry.lhs if t):
                    source = text.replace("?", "dmninputexpr") if "?" in text else f"(x) == ({text})"
                    problems += [f"规则 {rule.id}：{r}" for r in check_source(source, mode="eval")]
            for entry in rule.outputEntries:
                if entry.text:
                    problems += [f"规则 {rule.id} 输出：{r}" for r in check_source(entry.text, mode="eval")]
    return problems
