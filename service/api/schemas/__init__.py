"""Marshmallow schemas for the public contract; OpenAPI is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields

from service.clock import to_local

fields.Field.default_error_messages.update(
    required="此项为必填项", null="不能为空", validator_failed="取值无效"
)
fields.String.default_error_messages.update(invalid="应为文本")
fields.Integer.default_error_messages.update(invalid="应为整数")
fields.Boolean.default_error_messages.update(invalid="应为是/否")
fields.DateTime.default_error_messages.update(invalid="日期时间格式不正确（应为 ISO-8601）")
fields.AwareDateTime.default_error_messages.update(invalid_awareness="日期时间须带时区")
fields.Dict.default_error_messages.update(invalid="应为对象")
fields.List.default_error_messages.update(invalid="应为列表")
fields.Nested.default_error_messages.update(type="应为对象")


class BaseSchema(Schema):
    # marshmallow's own class attribute, hence mutable
    error_messages = {"unknown": "不允许的字段", "type": "应为 JSON 对象"}  # noqa: RUF012


class LocalDateTime(fields.DateTime):
    """Serialises an aware UTC datetime in Asia/Shanghai with its offset (what people see)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else to_local(value).isoformat()
