"""Which workbench pages a user may open, so the menus link only to pages that will not refuse them.

Each rule is the check of the page's own view (or the domain rule that view applies); a page
without a role check is open to every signed-in user.
"""

from __future__ import annotations

from service.governance import access as governance_access
from service.identity.models import User
from service.identity.roles import ADMIN, AUDITOR, LEADER, OFFICE_ROLES, REGISTER_ROLES, SEE_ALL_ROLES

AUDIT_ROLES = frozenset({AUDITOR, ADMIN})  # web.audit: require_role(AUDITOR, ADMIN)
# web.supervision.index, as the API's GET /api/v1/supervisions: the office, leaders, the auditor
SUPERVISION_ROLES = frozenset({*OFFICE_ROLES, LEADER, AUDITOR})


def pages_for(user: User | None) -> frozenset[str]:
    """The names of the optional menu entries `user` may open (empty when nobody is signed in)."""
    if user is None:
        return frozenset()
    pages = {"campaigns", "roster", "cases"}  # web.campaign, web.reception: any signed-in user
    if user.role in REGISTER_ROLES:
        pages.add("register")  # web.petitions.new: Viewer.may_register
    if user.role in AUDIT_ROLES:
        pages.add("audit")
    if user.role == ADMIN:
        pages.add("reference")  # web.reference: require_role(ADMIN)
    if user.role in SUPERVISION_ROLES:
        pages.add("supervision")  # web.supervision.index: require_role(*SUPERVISION_ROLES)
    if user.role in SEE_ALL_ROLES:
        pages.add("sessions")  # web.reception.sessions_page: SEE_ALL_ROLES
    if governance_access.may_see_numbers(user):
        pages.add("governance")  # web.governance: access.department_scope
    return frozenset(pages)
