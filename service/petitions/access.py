"""Who may see which petition, and how much of the petitioner they may see.

* The petition office, school leaders, the auditor and process administrators see every petition;
  department staff see the petitions routed to their department (lead or co-handling).
* Identity: the office sees it; leaders, the auditor and the departments a petition is routed to
  see it too, except for protected items, where it is sealed from everyone outside the office
  (《信访工作条例》 art. 31). Administrators never need it and see it masked.
* Protected: a report (举报), or any item in a restricted category (师德师风与纪律, or a category
  an administrator marks restricted): what it says is about a person or unit that must never learn
  who wrote in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from service.identity.models import User
from service.identity.roles import ADMIN, HANDLER, HEAD, OFFICE_ROLES, REGISTER_ROLES, SEE_ALL_ROLES
from service.petitions.models import Category, Petition, PetitionDepartment
from service.petitions.sealing import Sealer

# FULL: everything (the office); CONTACT: name and phone, the ID number masked (those who handle or
# oversee the matter need to reach the person, not their 身份证号); MASKED: all masked; SEALED: none.
FULL, CONTACT, MASKED, SEALED = "full", "contact", "masked", "sealed"
SEALED_TEXT = "（已保密）"
ACCUSATION = "accusation"  # 检举控告类, the statutory class screening gives an accusation
CODE_HIDDEN_ROLES = frozenset({HANDLER, HEAD})


@dataclass(frozen=True)
class Viewer:
    username: str
    role: str
    department: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.username, user.role, user.department_code)

    @property
    def in_office(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL_ROLES

    @property
    def may_register(self) -> bool:
        return self.role in REGISTER_ROLES


def visible_clause(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.sees_all:
        return true()
    return exists(
        select(PetitionDepartment.id).where(
            PetitionDepartment.petition_id == Petition.id,
            PetitionDepartment.department_code == viewer.department,
        )
    )


def may_view(session: Session, viewer: Viewer, petition: Petition) -> bool:
    if viewer.sees_all:
        return True
    return (
        session.scalar(
            select(PetitionDepartment.id)
            .where(
                PetitionDepartment.petition_id == petition.id,
                PetitionDepartment.department_code == viewer.department,
            )
            .limit(1)
        )
        is not None
    )


def may_see_code(viewer: Viewer) -> bool:
    """The tracking code is the petitioner's key to the public side (progress, evaluation, 复查): the
    departments handling a petition see only its first block, so none of them can rate its own work
    or speak for the petitioner. The office issues the code; leaders and the auditor oversee."""
    return viewer.role not in CODE_HIDDEN_ROLES


def code_matches(viewer: Viewer, text: str) -> ColumnElement[bool]:
    """Search by (part of) a tracking code: a viewer who sees only the first block matches only on
    it, so the rest cannot be rebuilt one typed character at a time."""
    typed = text.strip().upper()
    if may_see_code(viewer):
        return Petition.tracking_code.contains(typed, autoescape=True)
    first_block = typed.split("-", 1)[0] if typed.rstrip("-·").count("-") == 0 else ""
    if not first_block:  # more than the first block was typed: nothing this viewer may match on
        return false()
    return func.substr(Petition.tracking_code, 1, 4).contains(first_block, autoescape=True)


def shown_code(viewer: Viewer, code: str) -> str:
    return code if may_see_code(viewer) or not code else f"{code[:4]}-····-····"


def sealed_code_in(viewer: Viewer, text: str, code: str) -> str:
    """`text` (a notice, an event) with the petition's code as `viewer` may see it."""
    return text if may_see_code(viewer) or not code else text.replace(code, shown_code(viewer, code))


def sealed_json(viewer: Viewer, data: Any, code: str) -> Any:
    """JSON-able `data` with the code sealed in every string, as sealed_code_in, and any other
    petition's code that stands as a value of its own (a merge's target) sealed too."""
    if may_see_code(viewer) or not code:
        return data
    sealed = json.loads(json.dumps(data, ensure_ascii=False).replace(code, shown_code(viewer, code)))
    return _seal_code_values(viewer, sealed)


_CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


def _seal_code_values(viewer: Viewer, value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _seal_code_values(viewer, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_seal_code_values(viewer, item) for item in value]
    if isinstance(value, str) and _CODE.fullmatch(value.strip().upper()):
        return shown_code(viewer, value.strip().upper())
    return value


def is_protected(session: Session, petition: Petition) -> bool:
    """A 举报, an item the office screened as 检举控告类, or one in a restricted category: its
    writer's identity is sealed outside the office and it goes to the discipline office only."""
    if petition.request_type == "report" or petition.statutory_class == ACCUSATION:
        return True
    return category_restricted(session, petition.category)


def category_restricted(session: Session, code: str) -> bool:
    # A restricted parent covers its children: the tree's parent (categories have two levels and may
    # move, keeping their codes; petitions/reference.py), not the code's first segment.
    parent = select(Category.parent_code).where(Category.code == code).scalar_subquery()
    restricted = select(Category.code).where(
        or_(Category.code == code, Category.code == parent), Category.restricted.is_(True)
    )
    return session.scalar(restricted.limit(1)) is not None


def identity_visibility(viewer: Viewer, petition: Petition, *, protected: bool) -> str:
    if viewer.in_office:
        return FULL
    if protected:
        return SEALED
    if viewer.role == ADMIN:
        return MASKED
    # Leaders, the auditor, and department staff (who only reach petitions routed to them).
    return CONTACT


def sealed_identity_shown(session: Session, viewer: Viewer, petition: Petition) -> bool:
    """Whether `viewer` is shown a writer's identity that is sealed from everyone outside the office
    (a protected item's named petitioner): the view the access log records. An anonymous writer has
    no identity to show; the query runs only for a viewer who would see a protected item in full."""
    if petition.anonymous or identity_visibility(viewer, petition, protected=True) != FULL:
        return False
    return is_protected(session, petition)


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_id_number(id_number: str | None) -> str | None:
    if not id_number or len(id_number) <= 7:
        return None
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def petitioner_view(petition: Petition, visibility: str, sealer: Sealer) -> dict[str, Any]:
    kind = petition.petitioner_kind
    if petition.anonymous:
        return {"name": "匿名", "phone": None, "kind": kind, "id_number": None, "anonymous": True}
    if visibility == SEALED:
        return {"name": SEALED_TEXT, "phone": SEALED_TEXT, "kind": None, "id_number": None, "sealed": True}
    id_number = sealer.unseal(petition.petitioner_id_sealed) if petition.petitioner_id_sealed else None
    representatives = list(petition.representatives or [])
    if visibility in (FULL, CONTACT):
        return {
            "name": petition.petitioner_name,
            "phone": petition.petitioner_phone,
            "kind": kind,
            "id_number": id_number if visibility == FULL else mask_id_number(id_number),
            "representatives": representatives,
        }
    return {
        "name": mask_name(petition.petitioner_name),
        "phone": mask_phone(petition.petitioner_phone),
        "kind": kind,
        "id_number": mask_id_number(id_number),
        "representatives": [mask_name(name) for name in representatives],
        "masked": True,
    }
