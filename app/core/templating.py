"""`{{firstName}}`-style templates: Jinja2's sandbox, HTML-escaped where the output is HTML.

Unknown variables render as empty strings. Compiled templates are cached by source.

Templates come from API callers, so one render (one field of one message) is bounded, not
only its source: at most `max_chars` of output (the caller's cap for the field), at most
MAX_VALUE_LENGTH characters or items in any value it builds or turns into text (`'a' * 10**7`,
`~`, `join`, `replace`, padding and format widths, printing `[s] * 1000`, the output of a
macro: checked before the value is built), numbers of at most MAX_NUMBER_BITS, at most
MAX_LOOP_ITERATIONS loop iterations in total (nested loops, loops over variables, recursive
loops) and MAX_RENDER_SECONDS of CPU time. Jinja renders synchronously, so the checks are
cooperative: every loop step, call, filter, operator and output chunk checks the budget of the
render in progress (a context variable), and an over-limit render stops with TemplateError.
"""

from __future__ import annotations

import functools
import gc
import inspect
import itertools
import re
import time
from collections.abc import ItemsView, KeysView, Mapping, ValuesView
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from jinja2 import ChainableUndefined, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import escape

from app.core.validation import MAX_BODY_CHARS

MAX_OUTPUT_CHARS = MAX_BODY_CHARS  # a rendered body may be as long as a body's source
MAX_VALUE_LENGTH = MAX_BODY_CHARS  # nothing longer can ever be output whole
MAX_LOOP_ITERATIONS = 10_000
MAX_RENDER_SECONDS = 0.1  # CPU time of one render (the event loop waits for it)
MAX_NUMBER_BITS = 4096  # `10 ** 10 ** 8` would compute for minutes


class TemplateError(ValueError):
    pass


class TemplateLimitError(TemplateError):
    """A render went over one of the limits above."""


# ----------------------------------------------------------------------------- budget


@dataclass
class _Budget:
    deadline: float  # time.thread_time() value
    iterations_left: int
    collection_started: float = 0.0


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _exclude_collections(phase: str, info: dict) -> None:
    """A full garbage collection of the process can take longer than a render may: the time
    it takes during a render is not the template's."""
    budget = _budget.get()
    if budget is None:
        return
    if phase == "start":
        budget.collection_started = time.thread_time()
    else:
        budget.deadline += time.thread_time() - budget.collection_started


gc.callbacks.append(_exclude_collections)


def _tick(iterations: int = 0) -> None:
    """Charge loop iterations to the render in progress and check its clock."""
    budget = _budget.get()
    if budget is None:  # compiling, not rendering
        return
    if iterations:
        budget.iterations_left -= iterations
        if budget.iterations_left < 0:
            raise TemplateLimitError(f"more than {MAX_LOOP_ITERATIONS} loop iterations")
    if time.thread_time() > budget.deadline:
        raise TemplateLimitError(f"rendering took longer than {round(MAX_RENDER_SECONDS * 1000)} ms")


def _too_long() -> TemplateLimitError:
    return TemplateLimitError(f"a value would be longer than {MAX_VALUE_LENGTH} characters or items")


def _check_length(length: int) -> None:
    if length > MAX_VALUE_LENGTH:
        raise _too_long()


_SEQUENCES = (str, bytes, list, tuple)


def _check_value(value: Any) -> None:
    if isinstance(value, (*_SEQUENCES, dict, set)):
        _check_length(len(value))


def _text_length(value: Any) -> int:
    """About how long `value` is as text, counted only until it is over the value limit:
    `[s] * 1000` is a short list but a long text when `s` is long."""
    total, pending = 0, [value]
    while pending and total <= MAX_VALUE_LENGTH:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            total += 24
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2  # at least its digits
        elif isinstance(item, Mapping):
            total += 4 * len(item)
            pending.extend(itertools.chain.from_iterable(item.items()))
        elif isinstance(item, (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView)):
            total += 2 * len(item)
            pending.extend(item)
        elif isinstance(item, Namespace):  # prints its attributes
            pending.append(item._Namespace__attrs)
        else:  # Jinja's own objects (macros, loops, undefined): short texts
            total += 100
    return total


def _check_text(value: Any) -> None:
    if not isinstance(value, str):
        _check_length(_text_length(value))


def _bounded_list(iterable: Iterable) -> list:
    items = list(itertools.islice(iterable, MAX_VALUE_LENGTH + 1))
    _check_length(len(items))
    return items


def _counted(iterable: Any) -> Any:
    """What a `for` loop iterates: a sized iterable is charged whole up front (so an
    over-limit loop stops before doing any work), anything else item by item."""
    try:
        size = len(iterable)
    except TypeError:
        return _each_counted(iterable)
    _tick(size)
    return iterable


def _each_counted(iterable: Iterable) -> Iterable:
    for item in iterable:
        _tick(1)
        yield item


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_LOOP_ITERATIONS:
        raise TemplateLimitError(f"more than {MAX_LOOP_ITERATIONS} loop iterations")
    return numbers


# ----------------------------------------------------------------------------- formats

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_BRACE_SPEC = re.compile(r"\{[^{}:]*:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")


def _check_widths(numbers: Iterable[str], starred: bool, args: Iterable[Any]) -> None:
    """Padding and precision of a format may not exceed the value limit; a width taken
    from the arguments (`%*s`, `{:{}}`) means no argument may."""
    if any(n.isdigit() and int(n) > MAX_VALUE_LENGTH for n in numbers):
        raise _too_long()
    if starred and any(isinstance(a, int) and a > MAX_VALUE_LENGTH for a in args):
        raise _too_long()


def _check_percent(fmt: str, args: Any) -> None:
    specs = _PERCENT_SPEC.findall(fmt)
    numbers = [n for spec in specs for n in spec]
    flat = args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else (args,)
    _check_widths(numbers, "*" in numbers, flat)
    _check_length(len(fmt) + _text_length(args))


def _check_braces(fmt: str, args: tuple, kwargs: dict) -> None:
    specs = _BRACE_SPEC.findall(fmt)
    numbers = [n for spec in specs for n in re.findall(r"\d+", spec)]
    _check_widths(numbers, any("{" in spec for spec in specs), [*args, *kwargs.values()])
    _check_length(len(fmt) + _text_length([args, kwargs]))


# ----------------------------------------------------------------------------- methods


def _replaced_length(s: str, old: str, new: str, count: int | None) -> int:
    times = s.count(old) if old else len(s) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    return len(s) + times * (len(new) - len(old))


def _joined(separator: str | bytes, items: list) -> int:
    return _text_length(items) + len(separator) * max(len(items) - 1, 0)


def _str_method_args(s: str | bytes, name: str, args: tuple, kwargs: dict) -> tuple:
    """Check a str (or bytes) method call that could build a long string; returns its
    arguments (an iterator given to `join` is read once, here, into a bounded list)."""
    kind, tab = (bytes, b"\t") if isinstance(s, bytes) else (str, "\t")
    if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
        _check_length(args[0])
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            _check_length(len(s) + s.count(tab) * tabsize)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], kind) and isinstance(args[1], kind):
        count = args[2] if len(args) > 2 else kwargs.get("count")
        _check_length(_replaced_length(s, args[0], args[1], count if isinstance(count, int) else None))
    elif name == "join" and args:
        items = _bounded_list(args[0])
        _check_length(_joined(s, items))
        return (items, *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        _check_length(len(s) * longest)
    return args


# ----------------------------------------------------------------------------- filters


def _center(a: dict) -> None:
    if isinstance(a["width"], int):
        _check_length(a["width"])


def _indent(a: dict) -> None:
    s, width = str(a["s"]), a["width"]
    pad = width if isinstance(width, int) else len(str(width))
    _check_length(len(s) + (s.count("\n") + 1) * pad)


def _join(a: dict) -> None:
    items = a["value"]
    if a["attribute"] is not None:
        items, a["attribute"] = map(make_attrgetter(a["eval_ctx"].environment, a["attribute"]), items), None
    a["value"] = _bounded_list(items)
    _check_length(_joined(str(a["d"]), a["value"]))


def _replace(a: dict) -> None:
    count = a["count"] if isinstance(a["count"], int) else None
    _check_length(_replaced_length(str(a["s"]), str(a["old"]), str(a["new"]), count))


def _format(a: dict) -> None:
    _check_percent(str(a["value"]), a["kwargs"] or a["args"])


def _batch(a: dict) -> None:
    if isinstance(a["linecount"], int):
        _check_length(a["linecount"])


def _slice(a: dict) -> None:
    if isinstance(a["slices"], int):
        _check_length(a["slices"])


def _wordwrap(a: dict) -> None:
    s, width, wrap = str(a["s"]), a["width"], a["wrapstring"]
    if isinstance(width, int) and wrap is not None:
        _check_length(len(s) + (len(s) // max(width, 1) + 1) * len(str(wrap)))


def _sum(a: dict) -> None:
    """Summing strings or lists (`start=[]`) concatenates them."""
    if isinstance(a["start"], (int, float)):
        return
    items = a["iterable"]
    if a["attribute"] is not None:
        items, a["attribute"] = map(make_attrgetter(a["environment"], a["attribute"]), items), None
    a["iterable"] = _bounded_list(items)
    _check_value(a["start"])
    _check_length(sum(len(v) for v in a["iterable"] if isinstance(v, (str, list, tuple))))


_FILTER_CHECKS: dict[str, Callable[[dict], None]] = {
    "center": _center, "indent": _indent, "join": _join, "replace": _replace, "format": _format,
    "batch": _batch, "slice": _slice, "wordwrap": _wordwrap, "sum": _sum,
}


# Filters that turn their value (a list, a dict...) into text.
_TEXT_FILTERS = frozenset({
    "capitalize", "center", "e", "escape", "forceescape", "format", "indent", "lower", "pprint", "replace",
    "safe", "string", "striptags", "title", "tojson", "trim", "truncate", "upper", "urlencode", "urlize",
    "wordcount", "wordwrap", "xmlattr",
})


def _bounded_filter(func: Callable, check: Callable[[dict], None] | None, text: bool) -> Callable:
    signature = inspect.signature(func)

    @functools.wraps(func)  # keeps Jinja's pass_environment/pass_eval_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        if text:
            for value in (*args, *kwargs.values()):
                _check_text(value)
        if check is not None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check(bound.arguments)
            args, kwargs = bound.args, bound.kwargs
        result = func(*args, **kwargs)
        _check_value(result)
        return result

    return bounded


# ----------------------------------------------------------------------------- environment


class _BoundedCodeGenerator(CodeGenerator):
    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        """`a ~ b ~ c`: as Jinja's, but the parts' total length is checked before joining."""
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.bounded_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class _BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(undefined=ChainableUndefined, finalize=_finalize, **options)
        self.globals["range"] = _range
        del self.globals["lipsum"]  # lipsum(10**6) is a megabyte of text from one call
        self.filters = {
            name: _bounded_filter(f, _FILTER_CHECKS.get(name), name in _TEXT_FILTERS) for name, f in self.filters.items()
        }

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every `for` loop iterates `environment.counted_loop(<its iterable>)`."""
        tree = super()._parse(source, name, filename)
        for loop in list(tree.find_all(nodes.For)):
            counted = nodes.EnvironmentAttribute("counted_loop", lineno=loop.lineno)
            loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    @staticmethod
    def counted_loop(iterable: Any) -> Any:
        return _counted(iterable)

    @staticmethod
    def bounded_parts(parts: tuple) -> tuple:
        _tick()
        _check_length(_text_length(parts))
        return parts

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        """Joins the output buffered by macros, `caller()`, `{% set %}` and `{% filter %}` blocks."""
        parts = list(parts)
        _tick()
        _check_length(sum(map(len, parts)))
        return "".join(parts)

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            _check_product(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_length(len(left) + len(right))
        elif operator == "%" and isinstance(left, (str, bytes)):
            _check_percent(left.decode("latin-1") if isinstance(left, bytes) else left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        fmt, is_map = value.__self__, value.__name__ == "format_map"

        @functools.wraps(formatter)
        def bounded(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if is_map and args and isinstance(args[0], dict) else {}
            _check_braces(fmt, () if is_map else args, {**kwargs, **mapping})
            return formatter(*args, **kwargs)

        return bounded

    def call(__self, __context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        _tick()
        receiver = getattr(__obj, "__self__", None)
        if isinstance(__obj, LoopContext) and args:  # `loop(children)` in a recursive loop
            args = (_counted(args[0]), *args[1:])
        elif isinstance(receiver, (str, bytes)):
            args = _str_method_args(receiver, getattr(__obj, "__name__", ""), args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_value(result)
        if isinstance(receiver, (list, dict, set)):  # `items.extend(items)` grows in place
            _check_value(receiver)
        return result


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` before it is turned into text."""
    _check_text(value)
    return value


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, _SEQUENCES):
        left, right = right, left
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_length(len(left) * right)
    elif isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
            raise TemplateLimitError(f"a number would be longer than {MAX_NUMBER_BITS} bits")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        if exponent * base.bit_length() > MAX_NUMBER_BITS:
            raise TemplateLimitError(f"a number would be longer than {MAX_NUMBER_BITS} bits")


_html = _BoundedSandbox(autoescape=True)
_plain = _BoundedSandbox(autoescape=False)


# ----------------------------------------------------------------------------- API


@functools.lru_cache(maxsize=1024)
def _compile(source: str, html: bool):
    try:
        return (_html if html else _plain).from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error on line {exc.lineno}: {exc.message}") from None


@dataclass(frozen=True)
class _Variable:
    name: str


_MISSING = object()


@functools.lru_cache(maxsize=1024)
def _substitutions(source: str, html: bool) -> tuple[str | _Variable, ...] | None:
    """A template that only prints variables by name (`Hi {{ firstName }}`, most of them) as
    its literal parts and variables; None for anything else, which Jinja renders."""
    environment = _html if html else _plain
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError:
        return None
    parts: list[str | _Variable] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append(child.data)
            elif isinstance(child, nodes.Name) and child.name not in environment.globals:
                parts.append(_Variable(child.name))
            else:
                return None
    return tuple(parts)


def _substitute(parts: tuple[str | _Variable, ...], variables: dict[str, Any], html: bool, max_chars: int) -> str:
    """What Jinja prints for such a template, without running it: an unknown variable prints
    nothing, a value prints as `str()` (HTML-escaped in HTML), checked as `_finalize` checks it."""
    chunks, length = [], 0
    for part in parts:  # in Jinja's order: each value checked, then the output's length
        if isinstance(part, str):
            chunk = part
        else:
            value = variables.get(part.name, _MISSING)
            if value is _MISSING:
                continue
            _check_text(value)
            chunk = str(escape(value)) if html else str(value)
        length += len(chunk)
        if length > max_chars:
            raise TemplateLimitError(f"rendered output exceeds {max_chars} characters")
        chunks.append(chunk)
    return "".join(chunks)


def check(source: str) -> None:
    """Raise TemplateError if `source` does not compile."""
    _compile(source, False)


def render(source: str, variables: dict[str, Any], *, html: bool = False, max_chars: int = MAX_OUTPUT_CHARS) -> str:
    """Render within the limits above; TemplateError (TemplateLimitError over a limit) names
    what went wrong, e.g. "rendered output exceeds 524288 characters"."""
    if "{" not in source:  # nothing to render: skip Jinja entirely
        return source
    template = _compile(source, html)
    parts = _substitutions(source, html)
    if parts is not None:  # ~10x cheaper than a Jinja render, the same text
        return _substitute(parts, variables, html, max_chars)
    return _render_with_jinja(template, variables, max_chars)


def _render_with_jinja(template, variables: dict[str, Any], max_chars: int) -> str:
    token = _budget.set(_Budget(time.thread_time() + MAX_RENDER_SECONDS, MAX_LOOP_ITERATIONS))
    try:
        chunks, length = [], 0
        for chunk in template.generate(variables):
            length += len(chunk)
            if length > max_chars:
                raise TemplateLimitError(f"rendered output exceeds {max_chars} characters")
            _tick()
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError("Template could not be rendered: it recurses too deeply") from None
    except Exception as exc:  # e.g. a sandbox violation or a filter misuse
        raise TemplateError(f"Template could not be rendered: {exc}") from None
    finally:
        _budget.reset(token)
