"""Marshmallow schemas for the public contract; OpenAPI is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, validate

from service.clock import to_local
from service.db import MAX_ID, MAX_PAGE

fields.Field.default_error_messages.update(
    required="此项为必填项", null="不能为空", validator_failed="取值无效"
)
fields.String.default_error_messages.update(invalid="应为文本")
fields.Integer.default_error_messages.update(invalid="应为整数")
fields.Boolean.default_error_messages.update(invalid="应为是/否")
# DateTime, AwareDateTime, NaiveDateTime and Time share one dict (their base's); Date has its own.
fields.DateTime.default_error_messages.update(invalid="日期时间格式不正确（应为 ISO-8601）")
fields.AwareDateTime.default_error_messages.update(invalid_awareness="日期时间须带时区")
fields.Date.default_error_messages.update(invalid="应为有效日期（YYYY-MM-DD）")
fields.Dict.default_error_messages.update(invalid="应为对象")
fields.List.default_error_messages.update(invalid="应为列表")
fields.Nested.default_error_messages.update(type="应为对象")
# The validators' own messages, in Chinese like the rest (set before any schema builds its validators).
validate.Length.message_min = "长度至少为 {min}"
validate.Length.message_max = "长度不能超过 {max}"
validate.Length.message_all = "长度应在 {min} 到 {max} 之间"
validate.Length.message_equal = "长度应为 {equal}"
validate.Range.message_gte, validate.Range.message_gt = "不小于", "大于"
validate.Range.message_lte, validate.Range.message_lt = "不大于", "小于"
validate.Range.message_min = "应{min_op} {{min}}"
validate.Range.message_max = "应{max_op} {{max}}"
validate.Range.message_all = "应{min_op} {{min}}，且{max_op} {{max}}"
validate.OneOf.default_message = "须为以下之一：{choices}"
validate.ContainsOnly.default_message = "所选项须在以下范围内：{choices}"
validate.NoneOf.default_message = "不能取以下值：{values}"
validate.Equal.default_message = "应等于 {other}"
validate.Regexp.default_message = "格式不正确"
validate.Email.default_message = "邮箱地址格式不正确"
validate.URL.default_message = "网址格式不正确"


class BaseSchema(Schema):
    # marshmallow's own class attribute, hence mutable
    error_messages = {"unknown": "不允许的字段", "type": "应为 JSON 对象"}  # noqa: RUF012

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        """Every integer a request sends is one an INTEGER column holds (ids above all): past
        MAX_ID, or below -MAX_ID - 1, it is a 422 on its field, never a number a query cannot bind."""
        _hold_in_column(field_obj)


def _hold_in_column(field: fields.Field[Any]) -> None:
    if isinstance(field, fields.List):
        _hold_in_column(field.inner)
    elif isinstance(field, fields.Integer):
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        if not any(v.max is not None for v in ranges):
            field.validators.append(validate.Range(max=MAX_ID, error="应不大于 {max}"))
        if not any(v.min is not None for v in ranges):  # -99999999999999999999 cannot be bound either
            field.validators.append(validate.Range(min=-MAX_ID - 1, error="应不小于 {min}"))


class PageNumber(fields.Integer):
    """`page` of a list, 1 by default; past MAX_PAGE is a 422, not an offset no query can take."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("load_default", 1)
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_PAGE, error="页码应在 {min}–{max} 之间"))
        super().__init__(**kwargs)


class LocalDateTime(fields.DateTime):
    """Serialises an aware UTC datetime in Asia/Shanghai with its offset (what people see)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else to_local(value).isoformat()
