"""Schemas of the reception API (领导接访、值班表、包案)."""

from __future__ import annotations

from marshmallow import fields, validate

from service.api.schemas import BaseSchema, LocalDateTime
from service.api.schemas.petitions import PetitionSummarySchema
from service.clock import LOCAL_TZ
from service.reception.sessions import APPOINTMENT_STATUSES, KINDS, SESSION_STATUSES


class PeriodQuerySchema(BaseSchema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)


class DutyDaySchema(BaseSchema):
    date = fields.Date(attribute="duty_date")
    leader = fields.String(attribute="leader_username")
    note = fields.String(allow_none=True)
    updated_by = fields.String()
    updated_at = LocalDateTime()


class RosterSchema(BaseSchema):
    items = fields.List(fields.Nested(DutyDaySchema))


class GenerateSchema(BaseSchema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    leaders = fields.List(fields.String(), load_default=None, allow_none=True)
    include_rest_days = fields.Boolean(load_default=False)
    replace = fields.Boolean(load_default=False)


class SwapSchema(BaseSchema):
    first = fields.Date(required=True)
    second = fields.Date(required=True)


class AssignSchema(BaseSchema):
    leader = fields.String(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DutyQuerySchema(BaseSchema):
    date = fields.Date(load_default=None)


class DutySchema(BaseSchema):
    date = fields.Date()
    leader = fields.String(allow_none=True)


class SessionCreateSchema(BaseSchema):
    kind = fields.String(
        required=True, validate=validate.OneOf(list(KINDS), error="取值无效，可选：{choices}")
    )
    leader = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True, default_timezone=LOCAL_TZ)
    place = fields.String(required=True, validate=validate.Length(min=1, max=200))
    capacity = fields.Integer(load_default=10)
    department = fields.String(load_default=None, allow_none=True)
    topic = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SessionQuerySchema(BaseSchema):
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    leader = fields.String(load_default=None)


class AppointmentSchema(BaseSchema):
    id = fields.Integer()
    session_id = fields.Integer()
    petitioner_name = fields.String()
    petitioner_phone = fields.String(allow_none=True)
    topic = fields.String()
    petition_id = fields.Integer(allow_none=True)
    status = fields.String()
    status_label = fields.Function(lambda a: APPOINTMENT_STATUSES.get(a.status, a.status))
    outcome = fields.String(allow_none=True)
    booked_by = fields.String()
    booked_at = LocalDateTime()


class SessionCaseSchema(BaseSchema):
    petition_id = fields.Integer()
    note = fields.String(allow_none=True)


class SessionSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda s: KINDS.get(s.kind, s.kind))
    leader = fields.String(attribute="leader_username")
    starts_at = LocalDateTime()
    place = fields.String()
    capacity = fields.Integer()
    department = fields.String(attribute="department_code", allow_none=True)
    topic = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.Function(lambda s: SESSION_STATUSES.get(s.status, s.status))
    record = fields.String(allow_none=True)
    held_at = LocalDateTime(allow_none=True)
    created_by = fields.String()


class SessionListSchema(BaseSchema):
    items = fields.List(fields.Nested(SessionSchema))


class SessionDetailSchema(SessionSchema):
    appointments = fields.List(fields.Nested(AppointmentSchema))
    cases = fields.List(fields.Nested(SessionCaseSchema))


class BookSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    topic = fields.String(required=True, validate=validate.Length(min=1, max=500))
    petition_id = fields.Integer(load_default=None, allow_none=True)


class CloseAppointmentSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(["attended", "no_show", "cancelled"]))
    outcome = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    petition_id = fields.Integer(load_default=None, allow_none=True)


class RecordSchema(BaseSchema):
    record = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class FieldCaseSchema(BaseSchema):
    petition_id = fields.Integer(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class TakeCaseSchema(BaseSchema):
    petition_id = fields.Integer(required=True)
    leader = fields.String(load_default=None, allow_none=True)


class ReleaseSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OwnershipSchema(BaseSchema):
    petition_id = fields.Integer()
    leader = fields.String(attribute="leader_username")
    kind = fields.String()
    duty_date = fields.Date(allow_none=True)
    session_id = fields.Integer(allow_none=True)
    current = fields.Function(lambda o: o.active_petition_id is not None)
    started_at = LocalDateTime()
    started_by = fields.String()
    ended_at = LocalDateTime(allow_none=True)
    ended_by = fields.String(allow_none=True)
    end_reason = fields.String(allow_none=True)


class CaseSchema(BaseSchema):
    petition_id = fields.Integer()
    case_leader = fields.String(allow_none=True)
    history = fields.List(fields.Nested(OwnershipSchema))


class MyCaseSchema(BaseSchema):
    ownership = fields.Nested(OwnershipSchema)
    petition = fields.Nested(PetitionSummarySchema)


class MyCasesSchema(BaseSchema):
    items = fields.List(fields.Nested(MyCaseSchema))


class MyCasesQuerySchema(BaseSchema):
    include_ended = fields.Boolean(load_default=False)


class InstructionCreateSchema(BaseSchema):
    petition_id = fields.Integer(required=True)
    department = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    session_id = fields.Integer(load_default=None, allow_none=True)


class InstructionSchema(BaseSchema):
    id = fields.Integer()
    petition_id = fields.Integer()
    leader = fields.String(attribute="leader_username")
    department = fields.String(attribute="department_code")
    text = fields.String()
    session_id = fields.Integer(allow_none=True)
    instructed_at = LocalDateTime()
    feedback_due_at = LocalDateTime(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    status = fields.String()
    feedback = fields.String(allow_none=True)
    feedback_by = fields.String(allow_none=True)
    feedback_at = LocalDateTime(allow_none=True)
    acknowledged_at = LocalDateTime(allow_none=True)


class InstructionListSchema(BaseSchema):
    items = fields.List(fields.Nested(InstructionSchema))


class InstructionQuerySchema(BaseSchema):
    petition_id = fields.Integer(load_default=None)
