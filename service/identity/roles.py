"""Roles and the candidate groups they put a user in."""

from __future__ import annotations

from collections.abc import Mapping

REGISTRAR = "registrar"
ASSESSOR = "assessor"
SUPERVISOR = "supervisor"
HANDLER = "handler"
HEAD = "head"
LEADER = "leader"
ADMIN = "admin"
AUDITOR = "auditor"

ROLE_LABELS = {
    REGISTRAR: "登记员",
    ASSESSOR: "研判员",
    SUPERVISOR: "督办员",
    HANDLER: "承办人",
    HEAD: "部门负责人",
    LEADER: "校领导",
    ADMIN: "流程管理员",
    AUDITOR: "审计员",
}
ROLES = frozenset(ROLE_LABELS)

# The petition office (受理部门): runs the procedure and may see reporters' identities.
OFFICE_ROLES = frozenset({REGISTRAR, ASSESSOR, SUPERVISOR})
# Roles that see every petition (departments see only their own).
SEE_ALL_ROLES = OFFICE_ROLES | {LEADER, AUDITOR, ADMIN}
# Roles that must be attached to a department.
DEPARTMENT_ROLES = frozenset({REGISTRAR, ASSESSOR, SUPERVISOR, HANDLER, HEAD})
REGISTER_ROLES = frozenset({REGISTRAR, ASSESSOR})


def candidate_groups(role: str, department: str | None) -> frozenset[str]:
    """The groups a user may claim tasks from: their role, and their role within their department."""
    groups = {role}
    if department:
        groups.add(f"{role}@{department}")
    return frozenset(groups)


def group_label(group: str | None, departments: Mapping[str, str]) -> str:
    """'handler@logistics' reads 承办人·后勤处."""
    if not group:
        return ""
    role, _, department = group.partition("@")
    role_label = ROLE_LABELS.get(role, role)
    return f"{role_label}·{departments.get(department, department)}" if department else role_label
