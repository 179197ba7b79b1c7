"""Schemas of the campaign API (专项行动)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from service.api.schemas import BaseSchema, LocalDateTime
from service.api.schemas.tasks import TaskSchema
from service.campaign.vocabulary import CAMPAIGN_STATUSES, MEMBER_DUTIES, MEMBER_ROLES, PHASE_STATUSES, PHASES


class PhaseDatesSchema(BaseSchema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PhasesInSchema(BaseSchema):
    plan = fields.Nested(PhaseDatesSchema, required=True)
    mobilisation = fields.Nested(PhaseDatesSchema, required=True)
    implementation = fields.Nested(PhaseDatesSchema, required=True)
    summary = fields.Nested(PhaseDatesSchema, required=True)


class GroupInSchema(BaseSchema):
    leaders = fields.List(
        fields.String(), required=True, validate=validate.Length(min=1, error="至少一名组长")
    )
    deputies = fields.List(fields.String(), load_default=list)
    office_department = fields.String(load_default="office")
    office_director = fields.String(required=True)
    members = fields.List(fields.String(), load_default=None, allow_none=True)


class CampaignCreateSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    document_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    phases = fields.Nested(PhasesInSchema, required=True)
    group = fields.Nested(GroupInSchema, required=True)


class CampaignSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    document_no = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.Function(lambda c: CAMPAIGN_STATUSES.get(c.status, c.status))
    office_department = fields.String()
    office_director = fields.String()
    process_instance_id = fields.String(allow_none=True)
    period_start = fields.Date()
    period_end = fields.Date()
    started_by = fields.String()
    started_at = LocalDateTime()
    completed_at = LocalDateTime(allow_none=True)


class CampaignListSchema(BaseSchema):
    items = fields.List(fields.Nested(CampaignSchema))


class PhaseSchema(BaseSchema):
    key = fields.String()
    name = fields.Function(lambda p: PHASES.get(p.key, p.key))
    status = fields.String()
    status_label = fields.Function(lambda p: PHASE_STATUSES.get(p.status, p.status))
    starts_on = fields.Date()
    ends_on = fields.Date()
    started_at = LocalDateTime(allow_none=True)
    completed_at = LocalDateTime(allow_none=True)
    overdue_at = LocalDateTime(allow_none=True)
    record = fields.Dict()


class MemberSchema(BaseSchema):
    role = fields.String()
    role_label = fields.Function(lambda m: MEMBER_ROLES.get(m.role, m.role))
    duty = fields.Function(lambda m: MEMBER_DUTIES.get(m.role, ""))
    name = fields.String()
    username = fields.String(allow_none=True)
    department = fields.String(attribute="department_code", allow_none=True)


class ReportSchema(BaseSchema):
    department = fields.String(attribute="department_code")
    status = fields.String()
    task_id = fields.String()
    due_at = LocalDateTime(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    submitted_at = LocalDateTime(allow_none=True)
    disputes_found = fields.Integer(allow_none=True)
    disputes_resolved = fields.Integer(allow_none=True)
    data = fields.Dict()


class RoundSchema(BaseSchema):
    number = fields.Integer()
    opened_at = LocalDateTime()
    status = fields.String()
    reviewed_at = LocalDateTime(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    review = fields.String(allow_none=True)
    reports = fields.List(fields.Nested(ReportSchema))


class HotIssueSchema(BaseSchema):
    id = fields.Integer()
    round_id = fields.Integer(allow_none=True)
    title = fields.String()
    department = fields.String(attribute="department_code")
    leader = fields.String(attribute="leader_username", allow_none=True)
    governance_item_id = fields.String(allow_none=True)
    raised_by = fields.String()
    raised_at = LocalDateTime()


class RectificationSchema(BaseSchema):
    position = fields.Integer()
    problem = fields.String()
    measure = fields.String()
    department = fields.String(attribute="department_code", allow_none=True)
    due_on = fields.Date(allow_none=True)
    status = fields.String()


class TypicalCaseSchema(BaseSchema):
    petition_id = fields.Integer()
    chosen_by = fields.String()
    chosen_at = LocalDateTime()


class CampaignViewSchema(BaseSchema):
    """The campaign's parts (merged with CampaignSchema at the top level of the detail response)."""

    summary = fields.Dict()
    phases = fields.List(fields.Nested(PhaseSchema))
    group = fields.List(fields.Nested(MemberSchema))
    rounds = fields.List(fields.Nested(RoundSchema))
    hot_issues = fields.List(fields.Nested(HotIssueSchema))
    rectifications = fields.List(fields.Nested(RectificationSchema))
    typical_cases = fields.List(fields.Nested(TypicalCaseSchema))
    open_tasks = fields.List(fields.Nested(TaskSchema))


class PhaseProgressSchema(BaseSchema):
    key = fields.String()
    name = fields.String()
    status = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    started_at = LocalDateTime(allow_none=True)
    completed_at = LocalDateTime(allow_none=True)
    overdue = fields.Boolean()
    late = fields.Boolean()
    elapsed_percent = fields.Integer()


class RoundProgressSchema(BaseSchema):
    number = fields.Integer()
    status = fields.String()
    opened_at = LocalDateTime()
    submitted = fields.Integer()
    expected = fields.Integer()
    disputes_found = fields.Integer()
    disputes_resolved = fields.Integer()


class GovernanceItemSchema(BaseSchema):
    id = fields.String()
    title = fields.String()
    department = fields.String(allow_none=True)
    leader = fields.String(allow_none=True)
    status = fields.String()
    due_on = fields.Date(allow_none=True)


class DashboardSchema(BaseSchema):
    campaign = fields.Function(lambda d: CampaignSchema().dump(d.view.campaign))
    current_phase = fields.String(allow_none=True)
    phases = fields.List(fields.Nested(PhaseProgressSchema))
    metrics = fields.Dict()
    governance_items = fields.List(fields.Nested(GovernanceItemSchema))
    hot_issues = fields.Function(lambda d: HotIssueSchema(many=True).dump(d.view.hot_issues))
    screening = fields.List(fields.Nested(RoundProgressSchema), attribute="rounds")
    open_tasks = fields.List(fields.Nested(TaskSchema))
    overdue_tasks = fields.Integer()


def view_parts(view: Any, open_tasks: Any) -> dict[str, Any]:
    """A CampaignView as CampaignViewSchema reads it."""
    return {
        "summary": view.campaign.summary,
        "phases": view.phases,
        "group": view.members,
        "rounds": [
            {
                "number": r.number,
                "opened_at": r.opened_at,
                "status": r.status,
                "reviewed_at": r.reviewed_at,
                "reviewed_by": r.reviewed_by,
                "review": r.review,
                "reports": view.reports.get(r.id, []),
            }
            for r in view.rounds
        ],
        "hot_issues": view.hot_issues,
        "rectifications": view.rectifications,
        "typical_cases": view.typical_cases,
        "open_tasks": open_tasks,
    }
