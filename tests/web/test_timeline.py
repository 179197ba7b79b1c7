"""The staff timeline's 填写内容: each completed task shows its form's field titles, and choices by
their labels (x-enum-labels, the departments' names, 是/否), from the version the task ran on."""

from __future__ import annotations

import re

from service.audit.models import AuditEvent
from service.web.formrender import entered_values
from service.web.present import timeline
from tests.conftest import Harness
from tests.web.helpers import replied_petition, routed_petition
from tests.web.support import WebClient


def _entered(html: str) -> list[tuple[str, str]]:
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    return [(k, v) for k, v in pairs]


def test_the_timeline_shows_field_titles_and_choice_labels(web: WebClient, harness: Harness) -> None:
    detail = replied_petition(harness)
    web.login("assessor")
    entered = _entered(web.text(f"/work/petitions/{detail['id']}"))
    for pair in (
        ("甄别结论", "受理"),
        ("法定分类", "申诉求决类"),
        ("主办部门", "后勤处"),
        ("协办部门", "—"),
        ("签收结果", "签收"),
        ("调查核实情况", "内部核查记录：承包商王某承认涨价。"),
        ("审核结论", "同意签发"),
    ):
        assert pair in entered, pair
    titles = [k for k, _ in entered]
    assert titles.index("主办部门") < titles.index("协办部门")  # ui.order, not the stored key order
    keys = set(titles)
    assert not keys & {"decision", "statutory_class", "department", "findings", "sign_result", "approval"}
    assert not {v for _, v in entered} & {"accept", "claim", "logistics", "sign", "approve"}


def test_yes_no_answers_and_other_processes_of_the_petition(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    api, pid = harness.api, detail["id"]
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "拖延"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        level="listed",
        problem="拖延",
        requirements="限期反馈",
    )
    api.complete(pid, "feedback", "logistics_head", measures="已整改")
    api.complete(pid, "review_feedback", "supervisor", feedback_accepted=True)
    web.login("supervisor")
    entered = _entered(web.text(f"/work/petitions/{pid}"))
    for pair in (("督办事由（第四十条）", "拖延办理"), ("督办级别", "挂牌督办"), ("反馈到位", "是")):
        assert pair in entered, pair


def test_entered_values_read_like_the_form() -> None:
    schema = {
        "properties": {
            "kinds": {
                "type": "array",
                "title": "类别",
                "items": {"enum": ["a", "b"], "x-enum-labels": {"a": "甲", "b": "乙"}},
            },
            "days": {"type": "integer", "title": "天数"},
            "ok": {"type": "boolean", "title": "同意", "x-enum-labels": {"false": "不同意"}},
            "level": {"type": "integer", "title": "级别", "enum": [1, 2], "x-enum-labels": {"1": "一级"}},
        }
    }
    data = {"extra": "x", "ok": False, "days": 0, "kinds": ["b", "a", "c"], "level": 1, "note": None}
    assert entered_values(schema, data) == [
        ("类别", "乙、甲、c"),
        ("天数", "0"),
        ("同意", "不同意"),
        ("级别", "一级"),
        ("extra", "x"),
        ("note", "—"),
    ]
    assert [t for t, _ in entered_values(schema, data, order=["level", "days"])][:3] == [
        "级别",
        "天数",
        "类别",
    ]
    assert entered_values({}, {"findings": "查明"}) == [("findings", "查明")]  # no form: the key stays


def test_a_completed_task_without_a_known_form_keeps_its_keys(harness: Harness) -> None:
    event = AuditEvent(
        actor="x", action="task.completed", task_id="gone", data={"title": "办理", "after": {"a": 1}}
    )
    (entry,) = timeline([event], {}, {}, forms={})
    assert entry.details == [("a", "1")]
