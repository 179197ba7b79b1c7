"""Run-time guards for sandboxed expressions (the static check is in sandbox.py).

Checked source is rewritten so that every loop step, multiplication, addition, power, %-format and
method call goes through `Guard`, which charges a per-evaluation budget: that bounds time and memory.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

BUDGET = 1_000_000
MAX_SEQUENCE = 100_000
MAX_INT_BITS = 4096

SAFE_ATTRIBUTES = frozenset(
    {
        # str
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "rsplit",
        "startswith",
        "endswith",
        "replace",
        "join",
        "find",
        "count",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "title",
        "splitlines",
        "casefold",
        # dict / list / set
        "get",
        "keys",
        "values",
        "items",
        "append",
        "extend",
        "index",
        "insert",
        "pop",
        "remove",
        "copy",
        "add",
        "union",
        "intersection",
        "difference",
        "issubset",
        "issuperset",
        "setdefault",
        # dates
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "date",
        "isoformat",
        "weekday",
        "isoweekday",
        # values returned by domain helpers
        "due_at",
        "rule",
        "unit",
        "provisional",
    }
)

_UNSAFE_PERCENT_FORMAT = re.compile(r"%[-+ #0]*(\*|\d{3,})|%[-+ #0]*\d*\.(\*|\d{3,})")


class SandboxLimitExceeded(Exception):
    """Running the source went over the time or memory budget, or called something refused."""


class Guard:
    """Per-evaluation accounting: each loop step and each allocated element costs one unit."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.remaining = budget

    def charge(self, units: int) -> None:
        self.remaining -= max(units, 1)
        if self.remaining < 0:
            raise SandboxLimitExceeded("表达式运算量超出限制")

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.charge(1)
            yield item

    @staticmethod
    def _size(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value.bit_length() // 64 + 1
        if isinstance(value, str | list | tuple | dict | set):
            return len(value)
        return 1

    def mul(self, left: Any, right: Any) -> Any:
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SandboxLimitExceeded("整数过大")
        else:
            count = right if isinstance(right, int) else left if isinstance(left, int) else 1
            sequence = left if isinstance(right, int) else right
            projected = self._size(sequence) * max(int(count), 0)
            if projected > MAX_SEQUENCE:
                raise SandboxLimitExceeded("结果过长")
            self.charge(projected)
        return left * right

    def add(self, left: Any, right: Any) -> Any:
        if isinstance(left, str | list | tuple):
            projected = self._size(left) + self._size(right)
            if projected > MAX_SEQUENCE:
                raise SandboxLimitExceeded("结果过长")
            self.charge(projected)
        return left + right

    def pow(self, base: Any, exponent: Any) -> Any:
        if isinstance(base, int) and isinstance(exponent, int):
            if exponent > 0 and max(base.bit_length(), 1) * exponent > MAX_INT_BITS:
                raise SandboxLimitExceeded("整数过大")
        elif isinstance(exponent, int | float) and abs(exponent) > 1e4:
            raise SandboxLimitExceeded("指数过大")
        return base**exponent

    def mod(self, left: Any, right: Any) -> Any:
        if isinstance(left, str) and _UNSAFE_PERCENT_FORMAT.search(left):
            raise SandboxLimitExceeded("格式宽度过大")
        return left % right

    def method(self, obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name not in SAFE_ATTRIBUTES or name.startswith("_"):
            raise SandboxLimitExceeded(f"不允许调用：{name}")
        if name == "replace" and isinstance(obj, str) and len(args) >= 2:
            self.charge(len(obj) * max(len(str(args[1])), 1))
        if name == "join" and isinstance(obj, str) and args:
            items = list(self.iterate(args[0]))
            total = sum(self._size(item) for item in items) + len(obj) * len(items)
            if total > MAX_SEQUENCE:
                raise SandboxLimitExceeded("结果过长")
            self.charge(total)
            return obj.join(items)
        return getattr(obj, name)(*args, **kwargs)

    def range(self, *args: int) -> range:
        result = range(*args)
        if len(result) > MAX_SEQUENCE:
            raise SandboxLimitExceeded("range 过长")
        return result


class Rewriter(ast.NodeTransformer):
    """Routes the operations that can blow up through the guard (names start with "_pf_")."""

    _BINOPS: Mapping[type[ast.operator], str] = {
        ast.Mult: "_pf_mul",
        ast.Add: "_pf_add",
        ast.Pow: "_pf_pow",
        ast.Mod: "_pf_mod",
    }

    def _call(self, name: str, *args: ast.expr, keywords: list[ast.keyword] | None = None) -> ast.Call:
        return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=keywords or [])

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        guard = self._BINOPS.get(type(node.op))
        return self._call(guard, node.left, node.right) if guard else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        guard = self._BINOPS.get(type(node.op))
        if guard is None:
            return node
        load_target = _as_load(node.target)
        return ast.Assign(targets=[node.target], value=self._call(guard, load_target, node.value))

    def visit_For(self, node: ast.For) -> ast.stmt:
        self.generic_visit(node)
        node.iter = self._call("_pf_iter", node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        node.iter = self._call("_pf_iter", node.iter)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):
            return self._call(
                "_pf_method",
                node.func.value,
                ast.Constant(node.func.attr),
                *node.args,
                keywords=node.keywords,
            )
        return node


def _as_load(target: ast.expr) -> ast.expr:
    """The same target read instead of written (for `x += y` → `x = _pf_add(x, y)`)."""
    return ast.parse(ast.unparse(target), mode="eval").body
