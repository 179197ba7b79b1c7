"""The sandbox for everything a diagram computes: conditions, scripts, timer and due-date expressions.

Diagrams are edited by process administrators, not system administrators, so their Python is
untrusted. Three layers keep it harmless:

1. A static check (`check_source`) run at deploy time *and* before every first execution:
   an allow-list of syntax nodes, no names or attributes starting with "_", an allow-list of
   attribute names, no imports, definitions, try/with, while loops or shifts.
2. A rewrite of the checked tree so every loop, multiplication, addition, power, `%`-format and
   method call goes through a guard that charges a per-evaluation budget, which bounds both time
   and memory (no `9**9**9`, no `"a" * 10**9`, no nested comprehension bombs).
3. Execution with a replaced `__builtins__` holding only safe functions plus the domain helpers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from types import CodeType
from typing import Any

from service.engine.sandbox_guard import (
    SAFE_ATTRIBUTES,
    Guard,
    Rewriter,
    SandboxLimitExceeded,
)

__all__ = [
    "Helpers",
    "SandboxLimitExceeded",
    "SandboxViolation",
    "check_source",
    "compile_checked",
    "evaluate",
    "execute",
    "to_storable",
]

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.alias,  # only ever below an import, which is refused itself
    ast.Module,
    ast.Expression,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.For,
    ast.Break,
    ast.Continue,
    ast.Pass,
    ast.Delete,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Del,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.comprehension,
    ast.Subscript,
    ast.Slice,
    ast.Attribute,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Starred,
    ast.And,
    ast.Or,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.BitAnd,
    ast.BitOr,
    ast.BitXor,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.Invert,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
)

_REFUSED_NODE_REASONS: dict[type[ast.AST], str] = {
    ast.Import: "不允许 import",
    ast.ImportFrom: "不允许 import",
    ast.FunctionDef: "不允许定义函数",
    ast.AsyncFunctionDef: "不允许定义函数",
    ast.Lambda: "不允许 lambda",
    ast.ClassDef: "不允许定义类",
    ast.While: "不允许 while 循环（请用 for 遍历有限集合）",
    ast.Try: "不允许 try/except",
    ast.With: "不允许 with",
    ast.Global: "不允许 global",
    ast.Nonlocal: "不允许 nonlocal",
    ast.LShift: "不允许移位运算",
    ast.RShift: "不允许移位运算",
    ast.MatMult: "不允许矩阵乘法运算",
    ast.Yield: "不允许 yield",
    ast.Await: "不允许 await",
    ast.Raise: "不允许 raise",
}

_FORBIDDEN_NAMES = frozenset(
    {
        "eval",
        "exec",
        "compile",
        "open",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "globals",
        "locals",
        "vars",
        "dir",
        "type",
        "object",
        "super",
        "input",
        "breakpoint",
        "help",
        "memoryview",
        "bytearray",
        "bytes",
        "classmethod",
        "staticmethod",
        "property",
        "id",
        "exit",
        "quit",
        "print",
        "format",
        "iter",
        "next",
        "callable",
        "issubclass",
        "reload",
    }
)

_SAFE_FORMAT_SPEC = re.compile(r"^[<>^=]?[+\- ]?0?\d{0,2}(\.\d{1,2})?[sdfx%]?$")


class SandboxViolation(Exception):
    """The source uses something the sandbox does not allow (found before running it)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def check_source(source: str, *, mode: str) -> list[str]:
    """Every reason `source` is refused; an empty list means it may run. `mode` is eval or exec."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        return [f"语法错误（第 {error.lineno} 行）：{error.msg}"]
    reasons: list[str] = []
    for node in ast.walk(tree):
        reason = _node_reason(node)
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons


def _node_reason(node: ast.AST) -> str | None:  # noqa: PLR0911 - one check per kind of node
    if type(node) in _REFUSED_NODE_REASONS:
        return _REFUSED_NODE_REASONS[type(node)]
    if not isinstance(node, _ALLOWED_NODES):
        return f"不支持的语法：{type(node).__name__}"
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            return f"不允许使用以下划线开头的名称：{node.id}"
        if node.id in _FORBIDDEN_NAMES:
            return f"不允许使用：{node.id}"
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return f"不允许访问以下划线开头的属性：{node.attr}"
        if node.attr not in SAFE_ATTRIBUTES:
            return f"不允许访问属性：{node.attr}"
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        spec = _literal_format_spec(node.format_spec)
        if spec is None or not _SAFE_FORMAT_SPEC.match(spec):
            return "格式说明只允许简单的常量（如 .2f、03d）"
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return "不允许 bytes 常量"
    return None


def _literal_format_spec(spec: ast.expr) -> str | None:
    if isinstance(spec, ast.JoinedStr) and len(spec.values) == 1:
        part = spec.values[0]
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            return part.value
    return None


@lru_cache(maxsize=2048)
def compile_checked(source: str, mode: str) -> CodeType:
    reasons = check_source(source, mode=mode)
    if reasons:
        raise SandboxViolation(reasons)
    tree = Rewriter().visit(ast.parse(source, mode=mode))
    ast.fix_missing_locations(tree)
    return compile(tree, "<diagram>", mode)


_SAFE_BUILTINS: dict[str, Any] = {
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "dict": dict,
    "enumerate": enumerate,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "round": round,
    "set": set,
    "sorted": sorted,
    "str": str,
    "sum": sum,
    "tuple": tuple,
    "zip": zip,
    "reversed": reversed,
    "True": True,
    "False": False,
    "None": None,
}


@dataclass(frozen=True)
class Helpers:
    """Named domain functions a diagram may call (calendar deadlines, now(), …)."""

    functions: Mapping[str, Callable[..., Any]]


def _namespace(data: Mapping[str, Any], helpers: Helpers, guard: Guard) -> dict[str, Any]:
    builtins = dict(_SAFE_BUILTINS)
    builtins["range"] = guard.range
    namespace: dict[str, Any] = {"__builtins__": builtins}
    namespace.update(
        _pf_iter=guard.iterate,
        _pf_mul=guard.mul,
        _pf_add=guard.add,
        _pf_pow=guard.pow,
        _pf_mod=guard.mod,
        _pf_method=guard.method,
    )
    namespace.update(helpers.functions)
    namespace.update(data)
    return namespace


def evaluate(expression: str, data: Mapping[str, Any], helpers: Helpers) -> Any:
    code = compile_checked(expression.strip(), "eval")
    return eval(code, _namespace(data, helpers, Guard()))  # noqa: S307 - checked and rewritten above


def execute(script: str, data: dict[str, Any], helpers: Helpers) -> None:
    """Run `script` against `data`, writing the variables it assigns or deletes back into `data`."""
    code = compile_checked(script, "exec")
    namespace = _namespace(data, helpers, Guard())
    reserved = set(namespace) - set(data)
    exec(code, namespace)  # noqa: S102 - checked and rewritten above
    for name in [key for key in data if key not in namespace]:
        del data[name]
    for name, value in namespace.items():
        if name in reserved and name not in data:
            continue
        data[name] = to_storable(value, name)


def to_storable(value: Any, name: str) -> Any:
    """Only JSON-like values (and dates) may be left in process data by a script."""
    if value is None or isinstance(value, bool | int | float | str | datetime | date):
        return value
    if isinstance(value, list | tuple):
        return [to_storable(item, name) for item in value]
    if isinstance(value, dict):
        return {str(key): to_storable(item, name) for key, item in value.items()}
    if isinstance(value, set):
        return sorted(to_storable(item, name) for item in value)
    storable = getattr(value, "as_storable", None)
    if callable(storable):
        return storable()
    raise SandboxLimitExceeded(f"变量 {name} 的取值类型不能保存：{type(value).__name__}")
