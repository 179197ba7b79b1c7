"""Reading diagrams: safe XML parsing, deploy-time validation, element metadata and the spec cache.

A diagram is validated once, when it is deployed; every reason it is refused is collected and
reported together (element id + plain message). Running instances never re-parse: the parsed
spec is cached by the deployed version's content hash.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from service.engine.sandbox import check_source
from service.engine.timers import ClockedTimerParser

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
)
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "userTask",
        "task",
        "manualTask",
        "scriptTask",
        "businessRuleTask",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "subProcess",
        "callActivity",
    }
)
SUPPORTED_INSIDE_PROCESS = FLOW_NODES | frozenset(
    {
        "sequenceFlow",
        "laneSet",
        "lane",
        "flowNodeRef",
        "childLaneSet",
        "textAnnotation",
        "text",
        "association",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "extensionElements",
        "documentation",
        "incoming",
        "outgoing",
        "conditionExpression",
        "script",
        "multiInstanceLoopCharacteristics",
        "loopCardinality",
        "completionCondition",
        "timerEventDefinition",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "messageEventDefinition",
        "errorEventDefinition",
        "escalationEventDefinition",
        "terminateEventDefinition",
        "signalEventDefinition",
        "dataInputAssociation",
        "dataOutputAssociation",
        "sourceRef",
        "targetRef",
        "ioSpecification",
        "dataInput",
        "dataOutput",
        "inputSet",
        "outputSet",
        "dataInputRefs",
        "dataOutputRefs",
        "property",
        "categoryValueRef",
    }
)
TIMER_HELPERS = frozenset({"deadline", "reminder_before", "after_days", "cycle", "monthly"})
_EXPRESSION = re.compile(r"\$\{(.+?)\}")
# "role", "role@department", "role@${expression}", or a whole "${expression}" resolved per task.
_GROUP = re.compile(r"^([a-z_]+(@([a-z0-9_]+|\$\{.+\}))?|\$\{.+\})$")


@dataclass(frozen=True)
class Problem:
    element_id: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"element_id": self.element_id, "message": self.message}


class DeployRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.element_id or '-'}: {p.message}" for p in problems))
        self.problems = problems


def parse_xml(source: str | bytes) -> etree._Element:
    """Parse untrusted XML: no DTDs, no entities, no network, no huge trees."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise DeployRejected([Problem(None, "不允许 DOCTYPE 或实体声明")])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        return etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as error:
        raise DeployRejected([Problem(None, f"XML 格式错误：{error}")]) from error


def kind_of(root: etree._Element) -> str:
    namespace = etree.QName(root).namespace
    if namespace == BPMN_NS:
        return "bpmn"
    if namespace in DMN_NAMESPACES:
        return "dmn"
    raise DeployRejected([Problem(None, "既不是 BPMN 也不是 DMN 文件")])


@dataclass(frozen=True)
class ModelInfo:
    """What a deployment learned about a diagram (stored with the version)."""

    key: str
    name: str
    kind: str
    elements: dict[str, dict[str, Any]] = field(default_factory=dict)
    form_keys: frozenset[str] = frozenset()
    decision_refs: frozenset[str] = frozenset()


def executable_process(root: etree._Element) -> etree._Element:
    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable", "true") != "false"]
    if len(executable) != 1:
        raise DeployRejected([Problem(None, f"应当恰好有一个可执行流程（找到 {len(executable)} 个）")])
    return executable[0]


def describe_bpmn(root: etree._Element) -> ModelInfo:
    process = executable_process(root)
    elements: dict[str, dict[str, Any]] = {}
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        tag = etree.QName(node).localname
        if tag not in FLOW_NODES and tag != "sequenceFlow":
            continue
        elements[node.get("id", "")] = _element_info(node, tag)
    forms = {e["form_key"] for e in elements.values() if e.get("form_key")}
    decisions = {e["decision_ref"] for e in elements.values() if e.get("decision_ref")}
    return ModelInfo(
        key=process.get("id", ""),
        name=process.get("name") or process.get("id") or "",
        kind="bpmn",
        elements=elements,
        form_keys=frozenset(forms),
        decision_refs=frozenset(decisions),
    )


def _element_info(node: etree._Element, tag: str) -> dict[str, Any]:
    info: dict[str, Any] = {"type": tag, "name": node.get("name") or ""}
    camunda = {
        etree.QName(k).localname: v for k, v in node.attrib.items() if etree.QName(k).namespace == CAMUNDA_NS
    }
    for attribute, key in (
        ("formKey", "form_key"),
        ("candidateGroups", "candidate_groups"),
        ("assignee", "assignee"),
        ("dueDate", "due_date"),
        ("decisionRef", "decision_ref"),
    ):
        if attribute in camunda:
            info[key] = camunda[attribute]
    properties = {
        p.get("name"): p.get("value")
        for p in node.findall("bpmn:extensionElements/camunda:properties/camunda:property", NS)
    }
    if properties:
        info["properties"] = properties
    if tag == "sequenceFlow":
        info.update(source=node.get("sourceRef"), target=node.get("targetRef"))
        condition = node.find("bpmn:conditionExpression", NS)
        if condition is not None and condition.text:
            info["condition"] = condition.text.strip()
    script = node.find("bpmn:script", NS)
    if script is not None and script.text:
        info["script"] = script.text.strip()
    for timer_kind in ("timeDate", "timeDuration", "timeCycle"):
        timer = node.find(f"bpmn:timerEventDefinition/bpmn:{timer_kind}", NS)
        if timer is not None:
            info["timer"] = {"kind": timer_kind, "expression": (timer.text or "").strip()}
    if tag == "boundaryEvent":
        info["attached_to"] = node.get("attachedToRef")
        info["interrupting"] = node.get("cancelActivity", "true") != "false"
    loop = node.find("bpmn:multiInstanceLoopCharacteristics", NS)
    if loop is not None:
        info["multi_instance"] = {
            "collection": loop.get(f"{{{CAMUNDA_NS}}}collection"),
            "element_variable": loop.get(f"{{{CAMUNDA_NS}}}elementVariable"),
            "sequential": loop.get("isSequential") == "true",
        }
    return info


@dataclass(frozen=True)
class DeployContext:
    """What validation checks references against."""

    forms: Mapping[str, Any]
    roles: frozenset[str]
    decisions: Mapping[str, str]  # decision id → DMN source
    helper_names: frozenset[str]


def validate_bpmn(root: etree._Element, context: DeployContext) -> tuple[ModelInfo | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        info = describe_bpmn(root)
    except DeployRejected as rejected:
        return None, rejected.problems
    process = executable_process(root)
    problems.extend(_unsupported_elements(process))
    for element_id, element in info.elements.items():
        problems.extend(Problem(element_id, m) for m in _element_problems(element, context))
    if not problems:
        try:
            load_specs(root, context.decisions)
        except (ValidationException, SpiffWorkflowException, DeployRejected) as error:
            problems.append(_spiff_problem(error))
    return info, problems


def _unsupported_elements(process: etree._Element) -> Iterable[Problem]:
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node)
        if (
            qname.namespace == BPMN_NS
            and qname.localname not in SUPPORTED_INSIDE_PROCESS
            and node is not process
        ):
            owner = node if node.get("id") else node.getparent()
            yield Problem(
                owner.get("id") if owner is not None else None, f"不支持的元素：bpmn:{qname.localname}"
            )


def _element_problems(element: Mapping[str, Any], context: DeployContext) -> list[str]:
    messages = _user_task_problems(element, context) if element["type"] == "userTask" else []
    if element.get("decision_ref") and element["decision_ref"] not in context.decisions:
        messages.append(f"未部署的决策表：{element['decision_ref']}")
    if "condition" in element:
        messages.extend(_expression_problems([element["condition"]], "eval"))
    if "script" in element:
        messages.extend(_expression_problems([element["script"]], "exec"))
    timer = element.get("timer")
    if timer:
        messages.extend(_timer_problems(timer["expression"], context))
    return messages


def _user_task_problems(element: Mapping[str, Any], context: DeployContext) -> list[str]:
    messages: list[str] = []
    form_key = element.get("form_key")
    if not form_key:
        messages.append("用户任务缺少表单（camunda:formKey）")
    elif form_key not in context.forms:
        messages.append(f"未知的表单：{form_key}")
    groups = element.get("candidate_groups")
    if not groups and not element.get("assignee"):
        messages.append("用户任务缺少候选组（camunda:candidateGroups）")
    listed = [g.strip() for g in (groups or "").split(",") if g.strip()]
    if len(listed) > 1:
        messages.append("每个用户任务只支持一个候选组（可用 ${…} 按数据选择）")
    for group in listed:
        if not _GROUP.match(group):
            messages.append(f"候选组格式应为 角色 或 角色@部门：{group}")
        elif not group.startswith("${") and group.split("@")[0] not in context.roles:
            messages.append(f"不存在的角色：{group.split('@')[0]}")
        messages.extend(_expression_problems(_EXPRESSION.findall(group), "eval"))
    due = element.get("due_date")
    if due:
        found = _EXPRESSION.fullmatch(due.strip())
        if not found:
            messages.append("到期时间应写成 ${deadline('规则', 起算时间)}")
        else:
            messages.extend(_expression_problems([found.group(1)], "eval"))
    return messages


def _expression_problems(sources: Iterable[str], mode: str) -> list[str]:
    return [
        f"表达式不安全或有误：{reason}" for source in sources for reason in check_source(source, mode=mode)
    ]


def _timer_problems(expression: str, context: DeployContext) -> list[str]:
    problems = _expression_problems([expression], "eval")
    if problems:
        return problems
    calls = {
        node.func.id
        for node in ast.walk(ast.parse(expression, mode="eval"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    if not calls & TIMER_HELPERS:
        return [f"定时器必须用日历函数计算时间（{', '.join(sorted(TIMER_HELPERS))}），不能写死日期或时长"]
    unknown = calls - context.helper_names - {"str", "int", "len", "min", "max"}
    return [f"未知的函数：{name}" for name in sorted(unknown)]


def _spiff_problem(error: Exception) -> Problem:
    element_id = getattr(error, "id", None) or None
    message = str(error.args[0]) if error.args else str(error)
    return Problem(element_id, f"流程解析失败：{message}")


class PetitionFlowParser(ClockedTimerParser, CamundaParser):  # type: ignore[misc]
    """Camunda-flavoured BPMN with timers that ask the command's clock instead of the wall clock."""


@dataclass(frozen=True)
class LoadedSpec:
    spec: Any
    subprocess_specs: Mapping[str, Any]


def load_specs(root: etree._Element, decisions: Mapping[str, str]) -> LoadedSpec:
    parser = PetitionFlowParser()
    for decision_source in decisions.values():
        parser.add_dmn_xml(parse_xml(decision_source))
    parser.add_bpmn_xml(root.getroottree(), filename="diagram.bpmn")
    key = executable_process(root).get("id", "")
    return LoadedSpec(parser.get_spec(key), parser.get_subprocess_specs(key))


class SpecCache:
    """Parsed specs by version hash. Parsing happens once per version per process, never per request."""

    def __init__(self, capacity: int = 64) -> None:
        self._entries: OrderedDict[str, LoadedSpec] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()
        self.parses = 0

    def get(self, sha256: str, load: Callable[[], LoadedSpec]) -> LoadedSpec:
        with self._lock:
            if sha256 in self._entries:
                self._entries.move_to_end(sha256)
                return self._entries[sha256]
        loaded = load()
        with self._lock:
            self.parses += 1
            self._entries[sha256] = loaded
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return loaded
