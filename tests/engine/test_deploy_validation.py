"""Deploying refuses bad diagrams with every reason at once; smuggled expressions stay harmless."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from service.engine.commands import Actor, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import ProcessInstance, ProcessModelVersion
from service.engine.specs import DeployRejected
from service.errors import ProcedureError
from service.identity.roles import ROLES
from tests.conftest import Harness

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">'
)
USER = '<bpmn:userTask id="work" name="办理" {}/>'
TASK = USER.format('camunda:formKey="co_handling" camunda:candidateGroups="assessor@office"')


def diagram(task: str = TASK, *, condition: str = "x == 1", script: str = "y = 1", extra: str = "") -> str:
    return f"""{HEAD}
  <bpmn:process id="probe" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:scriptTask id="calc" scriptFormat="python"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="work">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="work"/>
    {task}
    <bpmn:sequenceFlow id="f5" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    {extra}
  </bpmn:process>
</bpmn:definitions>"""


def reasons(harness: Harness, source: str, filename: str = "probe.bpmn") -> dict[str, str]:
    with pytest.raises(DeployRejected) as refused, harness.db.transaction() as session:
        deploy_source(
            session, source=source, filename=filename, actor="admin", roles=ROLES, now=harness.clock.now()
        )
    found: dict[str, str] = {}
    for problem in refused.value.problems:
        key = f"{problem.element_id}"
        found[key] = f"{found[key]}；{problem.message}" if key in found else problem.message
    return found


def test_a_valid_diagram_deploys(harness: Harness) -> None:
    with harness.db.transaction() as session:
        deployed = deploy_source(
            session,
            source=diagram(),
            filename="probe.bpmn",
            actor="admin",
            roles=ROLES,
            now=harness.clock.now(),
        )
    assert (deployed.key, deployed.version, deployed.created) == ("probe", 1, True)


TIMER = (
    '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>{}'
    "</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
)


@pytest.mark.parametrize(
    ("source", "element", "fragment"),
    [
        (
            diagram(task='<bpmn:userTask id="work" camunda:candidateGroups="assessor@office"/>'),
            "work",
            "缺少表单",
        ),
        (
            diagram(task=USER.format('camunda:formKey="nope" camunda:candidateGroups="assessor@office"')),
            "work",
            "未知的表单：nope",
        ),
        (diagram(task='<bpmn:userTask id="work" camunda:formKey="co_handling"/>'), "work", "缺少候选组"),
        (
            diagram(task=USER.format('camunda:formKey="co_handling" camunda:candidateGroups="wizard"')),
            "work",
            "不存在的角色：wizard",
        ),
        (
            diagram(
                task='<bpmn:userTask id="work" camunda:formKey="co_handling" camunda:candidateGroups="A B"/>'
            ),
            "work",
            "候选组格式",
        ),
        (diagram(task=TASK.replace("/>", ' camunda:dueDate="2026-01-01"/>')), "work", "到期时间应写成"),
        (diagram(condition="__import__('os').system('id')"), "f3", "下划线"),
        (diagram(condition="getattr(x, 'y')"), "f3", "getattr"),
        (diagram(condition="().__class__.__bases__[0].__subclasses__()"), "f3", "下划线"),
        (diagram(condition="'{0.__globals__}'.format(x)"), "f3", "format"),
        (diagram(script="import os"), "calc", "import"),
        (diagram(script="data = open('/etc/passwd').read()"), "calc", "open"),
        (diagram(script="while True:\n    pass"), "calc", "while"),
        (diagram(extra=TIMER.format("'2026-12-31T00:00:00+08:00'")), "wait", "日历函数"),
        (diagram(extra=TIMER.format("deadline(eval('1'), start)")), "wait", "eval"),
        (diagram(extra='<bpmn:complexGateway id="odd"/>'), "odd", "不支持的元素"),
        (
            diagram(extra='<bpmn:businessRuleTask id="rules" camunda:decisionRef="missing"/>'),
            "rules",
            "未部署的决策表",
        ),
    ],
)
def test_invalid_diagrams_are_refused_with_the_reason(
    harness: Harness, source: str, element: str, fragment: str
) -> None:
    found = reasons(harness, source)
    assert element in found and fragment in found[element], found


def test_every_reason_is_reported_at_once(harness: Harness) -> None:
    source = diagram(
        task='<bpmn:userTask id="work" camunda:formKey="nope"/>', condition="__x__", script="import os"
    )
    found = reasons(harness, source)
    assert {"work", "f3", "calc"} <= set(found)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("<bpmn:definitions", "XML 格式错误"),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d>&xxe;</d>',
            "DOCTYPE",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            "<lolz>&lol2;</lolz>",
            "DOCTYPE",
        ),
        ('<?xml version="1.0"?><html/>', "既不是 BPMN 也不是 DMN"),
        (diagram().replace('isExecutable="true"', 'isExecutable="false"'), "可执行流程"),
    ],
)
def test_unsafe_or_malformed_xml_is_refused(harness: Harness, source: str, fragment: str) -> None:
    assert any(fragment in message for message in reasons(harness, source).values())


def test_a_broken_decision_table_is_refused(harness: Harness) -> None:
    dmn = (
        '<?xml version="1.0"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="t" '
        'name="t" namespace="x"><decision id="d" name="d"><decisionTable id="dt"><nope/></decisionTable>'
        "</decision></definitions>"
    )
    assert any("决策表" in m for m in reasons(harness, dmn, "t.dmn").values())


@pytest.mark.parametrize(
    "expression",
    ["9 ** 9 ** 9", "'a' * 10 ** 9", "[1] * 10 ** 8 * 10", "().__class__.__mro__[1].__subclasses__()"],
)
def test_an_expression_smuggled_past_deploy_is_harmless_at_run_time(
    harness: Harness, expression: str
) -> None:
    with harness.db.transaction() as session:
        deployed = deploy_source(
            session,
            source=diagram(),
            filename="probe.bpmn",
            actor="admin",
            roles=ROLES,
            now=harness.clock.now(),
        )
    # Someone with database access rewrites the stored diagram behind the deploy check.
    with harness.db.transaction() as session:
        row = session.get(ProcessModelVersion, deployed.version_id)
        session.execute(
            text("UPDATE process_model_version SET source = :s WHERE id = :i"),
            {"s": diagram(script=f"y = {expression}"), "i": row.id},
        )
        session.execute(
            text("UPDATE process_model_version SET sha256 = :s WHERE id = :i"), {"s": "f" * 64, "i": row.id}
        )
    with pytest.raises(ProcedureError, match="calc"):
        harness.services.runtime.execute(StartInstance("probe", Actor("admin"), data={"x": 1}))
    with harness.db.session() as session:
        assert session.scalar(select(ProcessInstance.id).where(ProcessInstance.model_key == "probe")) is None
