"""The sandbox templates run in: Jinja's immutable sandbox, with sizes kept to what a brief needs.

Templates are data a policy team edits. Jinja's sandbox already refuses attribute tricks
(``__class__``, ``__globals__``...) and mutation; this module adds what it lacks: limits on what one
expression can build (``'a' * 10**10``, ``'%0999999999d' % 1``, ``center(10**9)``, a macro that
calls itself), each a :class:`TemplateError` that the renderer places at the template's file and
line, and an in-memory cache of compiled templates shared by the editions of one process.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable

import jinja2
import jinja2.bccache
import jinja2.compiler
import jinja2.filters
import jinja2.nodes
import jinja2.runtime
import jinja2.utils
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wreport.errors import TemplateError

# What one template expression may build. Figures come from fact(), so a template never needs
# big numbers or long repeats; these limits only stop a typo or a prank from eating the machine.
MAX_SIZE = 100_000  # characters of a text, items of a list
MAX_EXPONENT = 100
MAX_INT_BITS = 4_000  # about 1,200 digits
MAX_WIDTH = 10_000  # a field width or precision in % or format(), a filter's width
MAX_OUTPUT = 1_000_000  # characters a call (a macro, a helper) may take or return; a text ~, + or join build
MAX_EDITION = 5_000_000  # characters one edition's template may write in all (a brief is ~50,000)

# A printf-style conversion: %[(key)][flags][width][.precision][length]type
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)
# A str.format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d*))?[a-zA-Z%]?", re.DOTALL)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with what can build huge texts kept to sizes a brief could need.

    Jinja's sandbox guards attributes but not sizes: ``'a' * 10**10`` would try to build a 10 GB
    text, and so would ``'%0999999999d' % 1``, ``'{:>999999999}'.format(1)`` or
    ``center(10**9)``. Intercepting the operators also stops Jinja from folding a constant
    expression such as ``10**10**10**10`` while compiling, outside any limit. Every call (macros
    included) is checked too, so a recursive macro cannot double a text without bound.
    """

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.code_generator_class = _CheckedConcat
        self.filters.update(center=_center, indent=_indent, wordwrap=_wordwrap, truncate=_truncate,
                            format=_format, join=_join, replace=_replace)
        self.globals["namespace"] = _Namespace

    def concat_text(self, values: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``, refused before joining when it would be longer than MAX_OUTPUT."""
        texts = [str(value) for value in values]
        _check_length(sum(map(len, texts)), "joining texts with ~")
        return "".join(texts)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "+":
            _check_sum(left, right)
        elif operator == "*":
            _check_product(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format``/``format_map`` as the sandbox wraps them, after checking the widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_brace_format(value.__self__)
            return wrapped(*args, **kwargs)

        return checked

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Every call from a template: no argument or result longer than MAX_OUTPUT characters."""
        for argument in (*args, *kwargs.values()):
            _check_output(argument)
        _check_str_method(__obj, args, kwargs)
        return _check_output(super().call(__context, __obj, *args, **kwargs))


class _CheckedConcat(jinja2.compiler.CodeGenerator):
    """Compiles ``~`` to :meth:`Sandbox.concat_text`, which checks the length before joining
    (Jinja's own ``str_join`` would build a text of any size)."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: jinja2.compiler.Frame) -> None:  # noqa: N802 (Jinja's name)
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:  # never in wreport: autoescape is off
            super().visit_Concat(node, frame)
            return
        self.write("environment.concat_text((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _Namespace(jinja2.utils.Namespace):
    """Jinja's ``namespace()``, whose attributes may not hold a text longer than MAX_OUTPUT: a
    ``{% set ns.x %}{{ ns.x }}{{ ns.x }}{% endset %}`` in a loop would otherwise double without bound."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _check_output(value))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_length(size: int, what: str) -> None:
    if size > MAX_OUTPUT:
        raise TemplateError(f"{what} would make a text of {size:,} characters; a template may build at most "
                            f"{MAX_OUTPUT:,}", hint="is a loop adding to a text again and again?")


def _check_sum(left: Any, right: Any) -> None:
    """Refuse ``a + b`` of texts longer than MAX_OUTPUT together, or lists longer than MAX_SIZE."""
    if isinstance(left, str) and isinstance(right, str):
        _check_length(len(left) + len(right), "adding texts with +")
    elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)) and len(left) + len(right) > MAX_SIZE:
        raise TemplateError(f"adding lists with + would make {len(left) + len(right):,} items; a template may "
                            f"build at most {MAX_SIZE:,}")


def _joined_length(items: Any, separator: str) -> tuple[list[str], int]:
    texts = [str(item) for item in items]
    return texts, sum(map(len, texts)) + len(separator) * max(0, len(texts) - 1)


def _check_str_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Check what a text's own method would build before it runs: ``join``, ``replace`` and the
    padding methods (``ljust``, ``rjust``, ``center``, ``zfill``, ``expandtabs``)."""
    text = getattr(method, "__self__", None)
    if not isinstance(text, str) or not callable(method):
        return
    name = getattr(method, "__name__", "")
    if name == "join" and args:
        _check_length(_joined_length(args[0], text)[1], "join")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_length(_replaced_length(text, args[0], args[1]), "replace")
    elif name in ("ljust", "rjust", "center", "zfill", "expandtabs"):
        for width in (*args[:1], *kwargs.values()):
            _check_width(width, f"{name} width")
        if name == "expandtabs":
            _check_length(len(text) + text.count("\t") * (args[0] if args and _is_int(args[0]) else 8), "expandtabs")


def _replaced_length(text: str, old: str, new: str) -> int:
    count = text.count(old) if old else len(text) + 1
    return len(text) + count * (len(new) - len(old))


def _check_product(left: Any, right: Any) -> None:
    """Refuse a repeat longer than MAX_SIZE and a product of integers too long to print."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and _is_int(count) and len(sequence) * count > MAX_SIZE:
            what = "characters" if isinstance(sequence, str) else "items"
            raise TemplateError(f"{type(sequence).__name__} * {count} would make {len(sequence) * count:,} "
                                f"{what}; a template may build at most {MAX_SIZE:,}")
    if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise TemplateError("a product of integers too large to print", hint="take figures from fact()")


def _check_power(base: Any, exponent: Any) -> None:
    """Refuse exponents over MAX_EXPONENT and integer powers too long to print."""
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise TemplateError(f"exponent {exponent} is too large; a template may use at most {MAX_EXPONENT}")
    if _is_int(base) and _is_int(exponent) and base.bit_length() * exponent > MAX_INT_BITS:
        raise TemplateError("a power of integers too large to print", hint="take figures from fact()")


def _check_width(width: Any, what: str) -> None:
    """Refuse a width (or precision, or length) over MAX_WIDTH: padding is all it could add."""
    if _is_int(width) and width > MAX_WIDTH:
        raise TemplateError(f"{what} {width:,} is too large; a template may use at most {MAX_WIDTH:,}")


def _check_percent_format(text: str) -> None:
    """Check each conversion of a ``%`` format before formatting, as it would pad first."""
    for found in _PERCENT_SPEC.finditer(text):
        width, precision, kind = found.groups()
        if kind == "%":
            continue
        if "*" in (width, precision):
            raise TemplateError("a '*' width or precision in a % format is not allowed in a template",
                                hint="write the width as a number")
        _check_width(int(width or 0), "format width")
        _check_width(int(precision or 0), "format precision")


def _check_brace_format(text: str) -> None:
    """Check each field's spec in a ``str.format`` text (nested fields too) before formatting."""
    for _, field_name, spec, _ in string.Formatter().parse(text):
        if field_name is None or not spec:
            continue
        if "{" in spec:
            _check_brace_format(spec)
            raise TemplateError("a width taken from an argument ({:>{w}}) is not allowed in a template",
                                hint="write the width as a number")
        found = _FORMAT_SPEC.fullmatch(spec)
        if found:
            _check_width(int(found.group(1) or 0), "format width")
            _check_width(int(found.group(2) or 0), "format precision")


def _check_output(value: Any) -> Any:
    """``value``, unless it is a text longer than MAX_OUTPUT (what a brief's section never needs)."""
    if isinstance(value, str) and len(value) > MAX_OUTPUT:
        raise TemplateError(f"a text of {len(value):,} characters; a call may take or return at most "
                            f"{MAX_OUTPUT:,}", hint="is a macro calling itself?")
    return value


def _center(value: Any, width: int = 80) -> str:
    """Jinja's ``center``, with its width limited."""
    _check_width(width, "center width")
    return jinja2.filters.do_center(value, width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's ``indent``, with its width (a number or a text) limited and the result bounded."""
    size = len(width) if isinstance(width, str) else width
    _check_width(size, "indent width")
    lines = str(value).count("\n") + 1
    if _is_int(size) and size * lines > MAX_OUTPUT:
        raise TemplateError(f"indenting {lines:,} lines by {size:,} would make more than {MAX_OUTPUT:,} characters")
    return jinja2.filters.do_indent(value, width, first, blank)


@jinja2.pass_environment
def _wordwrap(env: jinja2.Environment, value: str, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    """Jinja's ``wordwrap``, with its width limited."""
    _check_width(width, "wordwrap width")
    return jinja2.filters.do_wordwrap(env, value, width, break_long_words, wrapstring, break_on_hyphens)


@jinja2.pass_environment
def _truncate(env: jinja2.Environment, value: str, length: int = 255, killwords: bool = False, end: str = "...",
              leeway: int | None = None) -> str:
    """Jinja's ``truncate``, with its length limited."""
    _check_width(length, "truncate length")
    return jinja2.filters.do_truncate(env, value, length, killwords, end, leeway)


@jinja2.pass_eval_context
def _join(eval_ctx: jinja2.nodes.EvalContext, value: Any, d: str = "", attribute: str | int | None = None) -> str:
    """Jinja's ``join`` filter, refused before joining when the text would pass MAX_OUTPUT."""
    items = list(value)
    if attribute is None:
        _check_length(_joined_length(items, str(d))[1], "join")
    result = jinja2.filters.sync_do_join(eval_ctx, items, d, attribute)
    return _check_output(result)  # type: ignore[no-any-return]


@jinja2.pass_eval_context
def _replace(eval_ctx: jinja2.nodes.EvalContext, value: Any, old: str, new: str, count: int | None = None) -> str:
    """Jinja's ``replace`` filter, refused when the text would pass MAX_OUTPUT."""
    _check_length(_replaced_length(str(value), str(old), str(new)), "replace")
    return jinja2.filters.do_replace(eval_ctx, value, old, new, count)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    """Jinja's ``format`` filter (a ``%`` format), its widths checked like the operator's."""
    _check_percent_format(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


class _CompiledTemplates(jinja2.BytecodeCache):
    """This process's compiled templates, kept in memory by file and checked against the source.

    Each edition gets a fresh sandbox, so no state (helpers, what the English edition has already
    introduced) can pass from one edition to the next; only the compiled code, which depends on
    the template text alone, is shared. Compiling is most of a render's template time (about
    0.05 s an edition). Jinja checks each entry against the source's checksum and its own version.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


compiled_templates = _CompiledTemplates()
