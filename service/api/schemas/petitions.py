from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g
from marshmallow import fields, validate

from service.api.schemas import BaseSchema, LocalDateTime, PageNumber
from service.api.schemas.tasks import TaskSchema
from service.clock import LOCAL_TZ
from service.petitions import access
from service.petitions.vocabulary import CHANNELS, PETITIONER_KINDS, REQUEST_TYPES, SATISFACTION, STATUSES


def _one_of(choices: Iterable[str]) -> validate.OneOf:
    return validate.OneOf(list(choices), error="取值无效，可选：{choices}")


class PetitionerSchema(BaseSchema):
    name = fields.String(allow_none=True, validate=validate.Length(max=100, error="不超过 {max} 个字"))
    phone = fields.String(
        allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{3,30}$", error="电话号码格式不正确")
    )
    kind = fields.String(allow_none=True, validate=_one_of(PETITIONER_KINDS))
    id_number = fields.String(
        allow_none=True, validate=validate.Regexp(r"^[0-9Xx]{15,18}$", error="证件号码格式不正确")
    )


class PublicPetitionCreateSchema(BaseSchema):
    request_type = fields.String(required=True, validate=_one_of(REQUEST_TYPES))
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=200, error="长度应为 {min}–{max} 个字")
    )
    content = fields.String(
        required=True, validate=validate.Length(min=1, max=20000, error="长度应为 {min}–{max} 个字")
    )
    petitioner = fields.Nested(PetitionerSchema, load_default=dict)
    anonymous = fields.Boolean(load_default=False)
    headcount = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=10000, error="应在 {min}–{max} 之间")
    )
    received_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        default_timezone=LOCAL_TZ,
        metadata={"description": "when the item came in (public submissions: the server receipt time)"},
    )


class PetitionCreateSchema(PublicPetitionCreateSchema):
    channel = fields.String(required=True, validate=_one_of(CHANNELS))
    urgency = fields.String(load_default="normal", validate=_one_of(["normal", "urgent"]))
    assigned_by = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={
            "description": "a transferred item assigned (交办) by this body, which wants a report (D12)"
        },
    )
    report_days = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "days the assigning body set for the report"},
    )
    representatives = fields.List(
        fields.String(validate=validate.Length(max=50, error="不超过 {max} 个字")),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={
            "description": "a group visit's representatives (art. 18: at most 5; required above 5 visitors)"
        },
    )


class PetitionCreatedSchema(BaseSchema):
    id = fields.Integer()
    tracking_code = fields.String()
    status = fields.String()
    process_instance_id = fields.String()


class PetitionQuerySchema(BaseSchema):
    status = fields.String(validate=_one_of(STATUSES))
    category = fields.String()
    department = fields.String()
    q = fields.String(validate=validate.Length(max=100))
    page = PageNumber()
    per_page = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=100, error="应在 {min}–{max} 之间")
    )


class TrackingCode(fields.String):
    """The code as the caller may see it: the handling departments get only its first block."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        user = g.get("user")
        return access.shown_code(access.Viewer.of(user), value) if user is not None and value else value


class PetitionSummarySchema(BaseSchema):
    id = fields.Integer()
    tracking_code = TrackingCode()
    title = fields.String()
    channel = fields.String()
    request_type = fields.String()
    category = fields.String()
    status = fields.String()
    status_label = fields.Function(lambda p: STATUSES.get(p.status, p.status))
    department = fields.String(allow_none=True)
    urgency = fields.String()
    supervised = fields.Boolean()
    received_at = LocalDateTime()


class PetitionListSchema(BaseSchema):
    items = fields.List(fields.Nested(PetitionSummarySchema))
    total = fields.Integer()


class DeadlineSchema(BaseSchema):
    rule = fields.String()
    due_at = LocalDateTime()
    unit = fields.String()
    count = fields.Integer()
    start_at = LocalDateTime()
    provisional = fields.Boolean()
    calendar = fields.String()
    status = fields.String()
    task_id = fields.String(allow_none=True)
    element = fields.String(attribute="element_id")


class PetitionDocumentSummarySchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    number = fields.String()
    title = fields.String()
    issued_at = LocalDateTime()
    for_petitioner = fields.Boolean()


class PetitionDetailSchema(PetitionSummarySchema):
    statutory_class = fields.String(allow_none=True)
    content = fields.String()
    anonymous = fields.Boolean()
    headcount = fields.Integer()
    is_group = fields.Function(lambda p: p.headcount >= 5)
    co_departments = fields.List(fields.String())
    process_instance_id = fields.String(allow_none=True)
    repeat_count = fields.Integer()
    extension_days = fields.Integer()
    reply_outcome = fields.String(allow_none=True)
    reply_text = fields.String(allow_none=True)
    replied_at = LocalDateTime(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    evaluation_comment = fields.String(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    registered_by = fields.String()


class PetitionViewSchema(BaseSchema):
    """Detail plus the computed parts (merged at the top level of the response)."""

    petitioner = fields.Dict()
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    current_tasks = fields.List(fields.Nested(TaskSchema))
    documents = fields.List(fields.Nested(PetitionDocumentSummarySchema))
    duplicate_of = fields.String(allow_none=True)
    case_leader = fields.String(allow_none=True)  # the school leader named on it (reception)


class PetitionFullSchema(PetitionDetailSchema, PetitionViewSchema):
    """GET /petitions/{id}, for the OpenAPI document: the stored fields and the computed parts."""


class HistoryItemSchema(BaseSchema):
    id = fields.Integer()
    at = LocalDateTime()
    actor = fields.String()
    action = fields.String()
    task = fields.String(attribute="task_id", allow_none=True)
    element = fields.String(attribute="element_id", allow_none=True)
    data = fields.Dict()


class HistorySchema(BaseSchema):
    items = fields.List(fields.Nested(HistoryItemSchema))


class PublicCreatedSchema(BaseSchema):
    tracking_code = fields.String()


class TimelineItemSchema(BaseSchema):
    at = LocalDateTime()
    event = fields.String()


class PublicReplySchema(BaseSchema):
    text = fields.String()
    replied_at = LocalDateTime()


class ReviewWindowSchema(BaseSchema):
    level = fields.String(allow_none=True)
    level_label = fields.String(allow_none=True)
    until = LocalDateTime(allow_none=True)
    open = fields.Boolean()
    reason = fields.String()


class ReviewRequestSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=3000))


class PublicStatusSchema(BaseSchema):
    tracking_code = fields.String()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    received_at = LocalDateTime()
    timeline = fields.List(fields.Nested(TimelineItemSchema))
    reply = fields.Nested(PublicReplySchema)
    can_evaluate = fields.Boolean()
    review = fields.Nested(ReviewWindowSchema)


class EvaluationSchema(BaseSchema):
    satisfaction = fields.String(required=True, validate=_one_of(SATISFACTION))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    resolved = fields.Boolean(load_default=None, allow_none=True)


class CoHandlingRequestSchema(BaseSchema):
    departments = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True)
    reason = fields.String(
        required=True, validate=validate.Length(min=2, max=2000, error="请写明理由（{min}–{max} 个字）")
    )


class CoHandlingRequestedSchema(BaseSchema):
    process_instance_id = fields.String()
    departments = fields.List(fields.String())
