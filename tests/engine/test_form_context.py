"""A form's `context`: what earlier steps set, shown by label, checked when the form is loaded."""

from __future__ import annotations

import pytest

from service.engine.forms import FormDefinitionError, check_form, context_items

FORM = {
    "key": "review",
    "schema": {"type": "object", "properties": {}},
    "context": [
        {"key": "department", "title": "部门", "x-options": "departments"},
        {"key": "requested", "title": "请求部门", "x-options": "departments"},
        {"key": "outcome", "title": "结论", "x-enum-labels": {"support": "支持"}},
        {"key": "note", "title": "修改意见", "x-show-if": {"approval": ["revise"]}},
        {"key": "missing", "title": "未填写"},
    ],
}
SOURCES = {"departments": lambda: [("logistics", "后勤处"), ("academic", "教务处")]}


def test_context_shows_codes_by_label_and_leaves_out_what_is_not_there() -> None:
    data = {
        "department": "logistics",
        "requested": ["academic", "unknown"],
        "outcome": "support",
        "note": "x",
    }
    assert context_items(FORM, data | {"approval": "approve"}, SOURCES) == [
        ("部门", "后勤处"),
        ("请求部门", ["教务处", "unknown"]),
        ("结论", "支持"),
    ]
    assert ("修改意见", "x") in context_items(FORM, data | {"approval": "revise"}, SOURCES)


@pytest.mark.parametrize("context", [{"key": "a"}, [{"key": "a"}], [{"title": "标题"}], ["a"]])
def test_a_malformed_context_is_refused_when_the_form_is_loaded(context: object) -> None:
    with pytest.raises(FormDefinitionError, match="context"):
        check_form({"key": "review", "schema": {"type": "object"}, "context": context})
