"""Declarative schemas for every kind of input, and the parsers that keep each value's line.

Each input file (wreport.toml, audience.toml, sources.yaml, facts.yaml, terms.csv) has one
pydantic model here: its keys, their types, which are required, which values are allowed, and a
hint for each. Pydantic (v2) was chosen over hand-written checks and over jsonschema/cerberus
because it is typed end to end (a validated file is a typed object mypy checks, through its mypy
plugin), it collects every error of a document in one pass with the path to each, its strict mode
refuses the silent coercions a hand-edited file should not get (``"yes"`` for true, a date-time for
a date), and it is among the most used and best maintained Python libraries.

Pydantic knows paths (``facts → 3 → unit``), not lines, so the parsers here record the line of
every key and item as they read: YAML through PyYAML's composed nodes (whose marks carry lines),
TOML through a small scanner of keys and table headers (tomllib gives values only). An error's
path is mapped to the line of the longest recorded prefix, so a missing key is reported at its
table or entry. The YAML composer refuses tags, anchors and aliases (a data file writes every value out), and
bounds nesting depth and node count, so an alias bomb or 300-deep nesting is a message, at once.
"""

from __future__ import annotations

import datetime
import difflib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from wreport.errors import ConfigError, DataError, Location, WreportError, did_you_mean
from wreport.inputs.reading import FILE_BYTES, MAX_BYTES, SOURCE_BYTES
from wreport.inputs.text import UNSAFE, unsafe_name

Loc = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)
ErrorClass = type[WreportError]

#: Bounds on a YAML document: deeper nesting or more nodes than any fact file needs is refused.
YAML_MAX_DEPTH = 32
YAML_MAX_NODES = 200_000
#: Digits an exact decimal may have: more than any amount in won needs, and what Decimal's
#: default precision computes exactly (a 4,400-digit value is refused with a message).
MAX_DECIMAL_DIGITS = 28


# ---------------------------------------------------------------- parsed documents with lines
@dataclass
class Parsed:
    """A parsed document: plain data (dicts, lists, text, None...) and the line of each path."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its longest recorded prefix (a missing key: its table)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


class _Refused(yaml.MarkedYAMLError):
    """A YAML construct refused in data (alias, anchor, tag, too deep, too many nodes)."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe composer, refusing what data files never need and bounding the work."""

    depth = 0
    nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(problem=f"alias *{event.anchor} refused: write the value out in full "
                           "(an alias can make a small file expand without bound)", problem_mark=mark)
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)) and event.anchor:
            raise _Refused(problem=f"anchor &{event.anchor} refused: write the value out in full wherever "
                           "it is needed (aliases are not read in data files)", problem_mark=mark)
        self.depth += 1
        self.nodes += 1
        if self.depth > YAML_MAX_DEPTH:
            raise _Refused(problem=f"nested more than {YAML_MAX_DEPTH} levels deep", problem_mark=mark)
        if self.nodes > YAML_MAX_NODES:
            raise _Refused(problem=f"more than {YAML_MAX_NODES:,} values in one file", problem_mark=mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


# Only null is resolved implicitly: YAML 1.1 would turn ``as_of: 2007-06-30`` into a date,
# ``value: 10.9`` into a binary float, ``010`` into 8 and ``approx: no`` into False, each losing
# what the curator wrote. Every other plain scalar stays text until its schema reads it.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def parse_yaml(text: str, shown: str, error: ErrorClass = DataError) -> tuple[Parsed | None, list[WreportError]]:
    """The document and the problems found reading it (syntax, refused constructs, repeated keys)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(exc, shown, error)]
    except yaml.YAMLError as exc:
        return None, [error(f"invalid YAML: {exc}", Location.of(shown))]
    finally:
        loader.dispose()
    parsed = Parsed(None)
    problems: list[WreportError] = []
    if node is not None:
        parsed.data = _node_data(node, (), parsed.lines, lambda m, n: problems.append(
            error(m, Location.of(shown, n.start_mark.line + 1)) if n else error(m, Location.of(shown))))
    return parsed, problems


def _yaml_error(exc: yaml.MarkedYAMLError, shown: str, error: ErrorClass) -> WreportError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = exc.problem or exc.context or "syntax error"
    if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
        what += f" ({exc.context} started on line {exc.context_mark.line + 1})"
    if isinstance(exc, _Refused):
        return error(f"refused YAML: {what}", Location.of(shown, line))
    return error(f"invalid YAML: {what}", Location.of(shown, line), hint="check indentation, colons, brackets and quotes")


def _node_data(node: yaml.Node, loc: Loc, lines: dict[Loc, int],
               report: Callable[[str, yaml.Node | None], None]) -> Any:
    """Plain data from a composed node, recording each key's and item's line under its path."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        report(f"YAML tag {node.tag} refused: data files hold plain text, lists and mappings", node)
        return None
    if isinstance(node, yaml.ScalarNode):
        _refuse_unsafe(str(node.value), node, report)
        return None if node.tag == "tag:yaml.org,2002:null" else str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_node_data(item, (*loc, index), lines, report) for index, item in enumerate(node.value)]
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            report("a key must be plain text", key_node)
            continue
        key = str(key_node.value)
        _refuse_unsafe(key, key_node, report)
        if key in mapping:
            report(f"key '{key}' given twice in one entry", key_node)
        lines[(*loc, key)] = key_node.start_mark.line + 1
        mapping[key] = _node_data(value_node, (*loc, key), lines, report)
    return mapping


def _refuse_unsafe(value: str, node: yaml.Node, report: Callable[[str, yaml.Node | None], None]) -> None:
    """Report a character of text.UNSAFE in a parsed value: the file's bytes were checked on
    reading, but a double-quoted YAML escape ("\\x01", "\\ud800", "\\u202e") makes one only now."""
    if found := UNSAFE.search(value):
        report(f"{unsafe_name(found.group())} in a value (written as an escape?); "
               "delete it: only tabs and line breaks may appear in an input file", node)


def _toml_unsafe(data: Any, loc: Loc, parsed: Parsed, shown: str, error: ErrorClass) -> None:
    """The same refusal for TOML, whose basic strings have escapes too ("\\u001b")."""
    if isinstance(data, dict):
        for key, value in data.items():
            _toml_unsafe(key, loc, parsed, shown, error)
            _toml_unsafe(value, (*loc, key), parsed, shown, error)
    elif isinstance(data, list):
        for value in data:
            _toml_unsafe(value, loc, parsed, shown, error)
    elif isinstance(data, str) and (found := UNSAFE.search(data)):
        raise error(f"{unsafe_name(found.group())} in a value (written as an escape?)",
                    Location.of(shown, parsed.line_of(loc)), hint="delete it: only tabs and line breaks may appear")


def parse_toml(text: str, shown: str, error: ErrorClass = ConfigError) -> Parsed:
    """The TOML document (tomllib: the standard's own parser) and the line of each key and table."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno; the message ends "(at line N, column M)".
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line .*\)$", "", str(exc))
        raise error(f"invalid TOML: {message}", Location.of(shown, line)) from None
    parsed = Parsed(data, toml_lines(text))
    _toml_unsafe(data, (), parsed, shown, error)
    return parsed


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_lines(text: str) -> dict[Loc, int]:
    """The line of each table header and key of a (valid) TOML text, by path.

    Strings (single- and multi-line), comments and values spanning lines (arrays, inline tables)
    are skipped over, so only real keys count; array-of-tables entries get their index.
    """
    lines: dict[Loc, int] = {}
    table: Loc = ()
    counts: dict[Loc, int] = {}
    scanner = _TomlScanner(text)
    while not scanner.done():
        scanner.skip_blank()
        if scanner.done():
            break
        line = scanner.line
        if scanner.peek("[["):
            scanner.pos += 2
            header = scanner.key_path("]]")
            counts[header] = counts.get(header, -1) + 1
            path = table = (*header, counts[header])
        elif scanner.peek("["):
            scanner.pos += 1
            path = table = scanner.key_path("]")
        else:
            path = (*table, *scanner.key_path("="))
            scanner.skip_value()
        for end in range(1, len(path) + 1):
            lines.setdefault(path[:end], line)
    return lines


class _TomlScanner:
    """A cursor over TOML text that knows just enough syntax to find keys (see toml_lines)."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, what: str) -> bool:
        return self.text.startswith(what, self.pos)

    def skip_blank(self) -> None:
        """Whitespace, line breaks and comments."""
        while not self.done():
            if self.text[self.pos] in " \t\r\n":
                self.pos += 1
            elif self.text[self.pos] == "#":
                self._to_line_end()
            else:
                return

    def _to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def key_path(self, closing: str) -> tuple[str, ...]:
        """A dotted key (bare or quoted parts) up to and past ``closing``."""
        parts: list[str] = []
        while not self.done():
            while self.peek(" ") or self.peek("\t"):
                self.pos += 1
            if self.peek(closing):
                self.pos += len(closing)
                return tuple(parts)
            if self.peek("."):
                self.pos += 1
            elif self.peek('"') or self.peek("'"):
                parts.append(self._string())
            else:
                found = _BARE_KEY.match(self.text, self.pos)
                if not found:
                    self._to_line_end()
                    return tuple(parts)
                parts.append(found.group())
                self.pos = found.end()
        return tuple(parts)

    def _string(self) -> str:
        """A quoted string (any of TOML's four kinds); returns its raw content."""
        quote = self.text[self.pos]
        delimiter = quote * 3 if self.peek(quote * 3) else quote
        start = self.pos + len(delimiter)
        self.pos = start
        while not self.done() and not self.peek(delimiter):
            self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
        content = self.text[start:self.pos]
        self.pos += len(delimiter)
        while delimiter != quote and self.peek(quote):  # """a"""" ends with a quote inside
            self.pos += 1
        return content

    def skip_value(self) -> None:
        """A value up to its line's end, arrays and inline tables spanning lines included."""
        depth = 0
        while not self.done():
            char = self.text[self.pos]
            if char in "\"'":
                self._string()
            elif char == "#":
                self._to_line_end()
            elif char in "[{":
                depth += 1
                self.pos += 1
            elif char in "]}":
                depth -= 1
                self.pos += 1
            elif char == "\n" and depth <= 0:
                return
            else:
                self.pos += 1


# ---------------------------------------------------------------- validation with messages
@dataclass(frozen=True)
class Wording:
    """How messages of one kind of file speak: "key" or "field", and what prefixes a path."""

    word: str = "key"
    prefix: Callable[[Loc], str] = lambda loc: ""
    name_parent: bool = True  # "label: unknown field 'x'"; off where ``prefix`` names the table


_TYPES = {
    "string_type": "text", "bool_type": "true or false", "int_type": "a whole number", "list_type": "a list",
    "dict_type": "a table", "model_type": "a table", "model_attributes_type": "a table", "date_type": "a date",
    "int_from_float": "a whole number", "tuple_type": "a list",
}
_NAMED_WITH_VALUE = {"bool_type", "date_type", "int_type"}


def validate(model: type[Model], data: Any, parsed: Parsed, shown: str, at: Loc = (),
             error: ErrorClass = ConfigError, wording: Wording = Wording()) -> tuple[Model | None, list[WreportError]]:
    """``data`` (found at path ``at`` of ``parsed``) as ``model``, or None and every problem in it."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [_message(model, err, parsed, shown, at, error, wording)
                    for err in exc.errors(include_url=False)]
        return None, problems


def _message(model: type[BaseModel], err: Any, parsed: Parsed, shown: str, at: Loc, error: ErrorClass,
             wording: Wording) -> WreportError:
    """One pydantic error as a user's message: what is wrong, at which line, with a hint."""
    loc: Loc = tuple(part for part in err["loc"] if not _is_internal(part))
    name = next((part for part in reversed(loc) if isinstance(part, str)), "")
    kind = err["type"]
    hint = _hint(model, loc)
    if kind == "extra_forbidden":
        text, hint = _unknown_key(model, err, loc, name, wording)
    elif kind == "missing":
        text = f"missing {wording.word} '{name}'"
    elif kind in _TYPES:
        text = f"'{name}' must be {_TYPES[kind]}"
        if kind in _NAMED_WITH_VALUE:
            text += f", not {err['input']!r}"
    elif kind == "string_too_short":
        text = f"'{name}' is empty"
    elif kind in ("greater_than_equal", "less_than_equal", "too_short", "too_long"):
        text = f"'{name}': {err['msg'][0].lower()}{err['msg'][1:]}"
    else:  # our own validators' errors (PydanticCustomError): the message is written for users
        text = err["msg"]
        hint = (err.get("ctx") or {}).get("hint", hint)
    full = (*at, *loc)
    return error(wording.prefix(full) + text, Location.of(shown, parsed.line_of(full)), hint=hint)


def _unknown_key(model: type[BaseModel], err: Any, loc: Loc, name: str, wording: Wording) -> tuple[str, str | None]:
    """An unknown key or table, and a hint: the known names it is close to, else the parent's
    hint, else every known name (a misspelt key is the commonest mistake in a hand-edited file)."""
    known = _known_keys(model, loc[:-1])
    table = isinstance(err["input"], dict)  # [styel] → did you mean [style]?
    shape = "[{}]" if table else "'{}'"
    nested = wording.name_parent and len(loc) > 1 and isinstance(loc[-2], str) and not table
    inside = f"{loc[-2]}: " if nested else ""
    text = f"unknown table [{'.'.join(map(str, loc))}]" if table else f"{inside}unknown {wording.word} '{name}'"
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        return text, f"did you mean {' or '.join(shape.format(c) for c in close)}?"
    parent_hint = _hint(model, loc[:-1]) if inside else None
    return text, parent_hint or (f"known {wording.word}s: {', '.join(known)}" if known else None)


def _is_internal(part: str | int) -> bool:
    """Path parts pydantic adds that are not in the file (function-after[...], a union's branch)."""
    return isinstance(part, str) and ("[" in part or part in ("str", "list[str]"))


def _submodel(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model describing the value at ``loc`` (list items and optional values unwrapped)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``X`` from ``X | None``, ``list[X]``, ``Annotated[X, ...]``."""
    while get_origin(annotation) is not None:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if not args:
            return annotation
        annotation = args[-1] if get_origin(annotation) is dict else args[0]
    return annotation


def _known_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    found = _submodel(model, loc)
    return [found.model_fields[name].alias or name for name in found.model_fields] if found else []


def _hint(model: type[BaseModel], loc: Loc) -> str | None:
    """The hint declared on the field at ``loc`` (its description), if any."""
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return None
    parent = _submodel(model, loc[:max(i for i, part in enumerate(loc) if isinstance(part, str))])
    info = parent.model_fields.get(names[-1]) if parent else None
    return info.description if info else None


# ---------------------------------------------------------------- reusable field types
def _custom(kind: str, message: str, hint: str | None = None) -> PydanticCustomError:
    # Braces in a value would be read as placeholders by pydantic's message template.
    message = message.replace("{", "{{").replace("}", "}}")
    return PydanticCustomError(kind, message, {"hint": hint} if hint else None)


def one_of(what: str, choices: Iterable[str]) -> AfterValidator:
    """A value that must be one of ``choices``: "unknown unit 'dollars'" (use one of: ...)."""
    allowed = tuple(choices)

    def check(value: str) -> str:
        if value not in allowed:
            raise _custom("choice", f"unknown {what} {value!r}",
                          did_you_mean(value, allowed) or f"use one of: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def some_of(what: str, choices: Iterable[str]) -> AfterValidator:
    """A non-empty list drawn from ``choices`` without repeats (languages, formats)."""
    allowed = tuple(choices)

    def check(values: list[str]) -> tuple[str, ...]:
        example = ", ".join(f'"{c}"' for c in allowed)
        if not values:
            raise _custom("choices", f"'{what}' must be a non-empty list of names", f"e.g. {what} = [{example}]")
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise _custom("choices", f"unknown {what}: {', '.join(unknown)}", f"use some of: {', '.join(allowed)}")
        if len(set(values)) != len(values):
            raise _custom("choices", f"'{what}' lists a name twice")
        return tuple(values)

    return AfterValidator(check)


def matching(pattern: str, message: str, hint: str | None = None) -> AfterValidator:
    """Text matching ``pattern`` (ASCII only: ``\\d`` would accept Arabic-Indic or fullwidth digits)."""
    compiled = re.compile(pattern, re.ASCII)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise _custom("pattern", message.format(value=value), hint)
        return value

    return AfterValidator(check)


def _strip(value: str) -> str:
    return value.strip()


Text = Annotated[str, AfterValidator(_strip), Field(min_length=1)]
OptionalText = Annotated[str | None, AfterValidator(lambda v: (v.strip() or None) if v else None)]

_DECIMAL = re.compile(r"-?[0-9]+(_[0-9]+)*(\.[0-9]+)?", re.ASCII)


def exact_decimal(value: Any) -> Decimal:
    """The exact decimal a fact's value text says ("609_800_000_000", "10.9"); ValueError (with
    the message for the user) when it is not one, or has more digits than MAX_DECIMAL_DIGITS."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _DECIMAL.fullmatch(text):
        raise ValueError(f"value {value!r} is not an exact decimal")
    digits = sum(char.isdigit() for char in text)
    if digits > MAX_DECIMAL_DIGITS:
        raise ValueError(f"value has {digits:,} digits; at most {MAX_DECIMAL_DIGITS} are allowed")
    return Decimal(text)


def _decimal(value: Any) -> Decimal:
    try:
        return exact_decimal(value)
    except ValueError as exc:
        raise _custom("decimal", str(exc), 'write digits with an optional point, as a quoted string: '
                      '"609_800_000_000", "10.9"') from None


ExactDecimal = Annotated[Decimal, BeforeValidator(_decimal)]

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?", re.ASCII)


def date_parts(text: str) -> tuple[datetime.date, str] | None:
    """'2007-06-30', '2007-06' or '2006' (ASCII digits only) as a date and its precision, or None."""
    found = _DATE.fullmatch(text)
    if not found:
        return None
    year, month, day = found.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return date, "day" if day else "month" if month else "year"


def _partial_date(value: str) -> str:
    text = value.strip()
    if date_parts(text) is None:
        raise _custom("date", f"'{text}' is not a date", "write YYYY-MM-DD, YYYY-MM or YYYY (ASCII digits)")
    return text


def period_parts(text: str) -> tuple[int, int] | None:
    """'2016' or '2005-2008' (ASCII digits only) as a (start, end) pair, or None."""
    found = _PERIOD.fullmatch(text.strip())
    if not found:
        return None
    start, end = int(found.group(1)), int(found.group(2) or found.group(1))
    return (start, end) if end >= start else None


def _period(value: str) -> str:
    if period_parts(value) is None:
        raise _custom("period", f"period '{value}' is not a year or a year range", "write 2016 or 2005-2008")
    return value.strip()


PartialDateText = Annotated[str, AfterValidator(_partial_date)]
PeriodText = Annotated[str, AfterValidator(_period)]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


# ---------------------------------------------------------------- wreport.toml
class ProjectTable(BaseModel):
    """``[project]``: what the project is called."""

    model_config = _STRICT
    name: str | None = Field(None, description="the project's name, shown in messages and, by `wreport init` and "
                             "`new-audience`, in the starter's titles; default: the folder's name",
                             examples=["Daegu medical cluster"])
    audiences: list[str] = Field([], description="audiences in the order commands list them: `preview` without "
                                 "--audience shows the first; the rest follow alphabetically (default: all "
                                 'alphabetically); a list of names: audiences = ["investor-brief"]',
                                 examples=[["investor-brief", "policy-brief"]])


class PathsTable(BaseModel):
    """``[paths]``: where the inputs are, relative to wreport.toml; each must lie inside the project folder."""

    model_config = _STRICT
    sources: str = Field("seeds/sources.yaml", description="the sources manifest; the texts are in the sources/ "
                         "folder beside it, as set-aside.yaml is")
    facts: str = Field("seeds/facts.yaml", description="the fact set")
    claims: str = Field("seeds/claims.yaml", description="the claims: statements without a figure, each on a quote")
    glossary: str = Field("glossary/terms.csv", description="the glossary")
    templates: str = Field("templates", description="the audiences' folders (and _shared/)")
    signoff: str = Field("signoff", description="the sign-off records, one file per audience "
                         "(written by wreport review approve)")
    out: str = Field("out", description="where builds and reviews are written")


class StyleTable(BaseModel):
    """``[style]``: house-style choices (the rest of the house style is fixed, docs/house-style.md)."""

    model_config = _STRICT
    myriad_group_commas: bool = Field(True, description="true: 4억 3,500만 달러; false: 4억 3500만 달러")


class Limits(BaseModel):
    """``[limits]``: how much work and input a build accepts (docs/inputs.md)."""

    model_config = _STRICT
    render_seconds: int = Field(60, ge=1, le=86_400, description="wall-clock seconds one edition may take to render")
    file_bytes: int = Field(FILE_BYTES, ge=1_000, le=MAX_BYTES,
                            description="largest config, data, glossary or template file, in bytes")
    source_bytes: int = Field(SOURCE_BYTES, ge=1_000, le=MAX_BYTES,
                              description="largest source text in seeds/sources/, in bytes")
    # What `wreport sources add` accepts from a document made outside the project (docs/limits.md).
    import_bytes: int = Field(50_000_000, ge=1_000, le=MAX_BYTES,
                              description="largest document `sources add` reads, in bytes")
    unpacked_bytes: int = Field(20_000_000, ge=1_000, le=MAX_BYTES,
                                description="most a DOCX's parts may unpack to, all together, in bytes")
    table_columns: int = Field(1_000, ge=1, le=100_000,
                               description="most columns a DOCX table cell may span")
    pdf_pages: int = Field(2_000, ge=1, le=100_000, description="most pages of an imported PDF")
    pdf_stream_bytes: int = Field(50_000_000, ge=1_000, le=MAX_BYTES,
                                  description="most any one stream of an imported PDF may decode to, in bytes")
    html_bytes: int = Field(10_000_000, ge=1_000, le=MAX_BYTES, description="largest HTML page imported, in bytes")
    nesting_depth: int = Field(200, ge=8, le=10_000,
                               description="deepest nesting of elements in an imported HTML page")


class ProjectConfig(BaseModel):
    """wreport.toml."""

    model_config = _STRICT
    project: ProjectTable = Field(default_factory=ProjectTable)
    paths: PathsTable = Field(default_factory=PathsTable)
    style: StyleTable = Field(default_factory=StyleTable)
    limits: Limits = Field(default_factory=Limits)


# ---------------------------------------------------------------- audience.toml
LANGUAGES = ("ko", "en")  # as document.UI_LABELS (checked in the tests)
FORMATS = ("html", "pdf", "docx")


class EditionTable(BaseModel):
    """``[ko]`` / ``[en]``: one edition's title page and file properties."""

    model_config = _STRICT
    title: Text = Field(description="the title page's title and the files' title property",
                        examples=["The Wonju Medical-Device Cluster"])
    subtitle: str = Field("", description="a line under the title", examples=["A brief for investors"])
    author: str = Field("", description="the files' author property", examples=["Gangwon Technopark"])
    subject: str = Field("", description="the files' subject property", examples=["What the cluster achieved"])
    keywords: list[str] = Field([], description='the files\' keywords property, a list of text: keywords = ["Wonju", "cluster"]',
                                examples=[["Wonju", "cluster"]])


class AudienceConfig(BaseModel):
    """Which editions and files an audience's brief has (templates/<audience>/audience.toml)."""

    model_config = _STRICT
    languages: Annotated[list[str], some_of("languages", LANGUAGES)] = Field(
        description=f"the editions to build, some of {', '.join(LANGUAGES)}: languages = [\"ko\", \"en\"]", examples=[list(LANGUAGES)])
    formats: Annotated[list[str], some_of("formats", FORMATS)] = Field(
        description=f"the files to write, some of {', '.join(FORMATS)}: formats = [\"html\", \"pdf\"]", examples=[list(FORMATS)])
    date: datetime.date = Field(description="the date the content is current to, stamped instead of today's; "
                                "unquoted: date = 2017-06-30", examples=[datetime.date(2017, 6, 30)])
    contents: bool = Field(True, description="false leaves out the table of contents")
    ko: EditionTable | None = Field(None, description="the Korean edition's table, [ko] (below)")
    en: EditionTable | None = Field(None, description="the English edition's table, [en] (below)")


# ---------------------------------------------------------------- sources.yaml and facts.yaml
UNITS = ("KRW", "USD", "m2", "pyeong", "percent", "count")  # as formatting.UNITS (checked in the tests)
APPROX = ("none", "about", "more-than", "at-least", "less-than", "over")  # docs/facts.md
STATUSES = ("actual", "estimate", "forecast", "target")
DATE_KINDS = ("event", "report")  # docs/facts.md: a date that is only the article's is "report"
DERIVED_OPS = ("sum", "difference", "ratio", "growth")

FactId = Annotated[str, matching(r"[a-z0-9][a-z0-9_]*", "id must be snake_case (a-z, 0-9, _)")]
SourceId = Annotated[str, matching(r"[a-z0-9][a-z0-9-]*", "id must be lower-case letters, digits and hyphens")]


def _source_file(value: str) -> str:
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", value):
        raise _custom("source_file", f"source file '{value}' must be a path inside the sources/ folder",
                      "`file` is relative to the sources/ folder beside sources.yaml; '..' and absolute paths "
                      "are refused")
    return value.strip()


class SourceEntry(BaseModel):
    """One entry of sources.yaml (docs/facts.md)."""

    model_config = _STRICT
    id: SourceId
    title: Text
    title_en: Text
    publisher: Text
    publisher_en: OptionalText = None
    author: OptionalText = None
    date: PartialDateText
    date_basis: Text
    language: Text
    file: Annotated[Text, AfterValidator(_source_file)]
    url: OptionalText = None
    note: OptionalText = None


class Label(BaseModel):
    """A fact's label in both languages."""

    model_config = _STRICT
    ko: Text
    en: Text


def _derived(value: dict[str, list[str]]) -> dict[str, list[str]]:
    if len(value) != 1:
        raise _custom("derived", "derived must be one operation, e.g. {sum: [a, b]}",
                      f"operations: {', '.join(DERIVED_OPS)}")
    ((op, inputs),) = value.items()
    if op not in DERIVED_OPS:
        raise _custom("derived", f"unknown derived operation '{op}'", f"use one of: {', '.join(DERIVED_OPS)}")
    if len(inputs) < 2 if op == "sum" else len(inputs) != 2:
        count = "two or more" if op == "sum" else "exactly two"
        raise _custom("derived", f"derived {op} takes a list of {count} fact ids")
    return value


#: The conversions a fact's value may name instead of a quoted figure (docs/facts.md): an area
#: the source gives in the other unit, at the legal rate (1 pyeong = 400/121 m²), and a currency
#: at the rate the source states (``rate``, always won per dollar).
CONVERSIONS = (("pyeong", "m2"), ("m2", "pyeong"), ("USD", "KRW"), ("KRW", "USD"))


class Conversion(BaseModel):
    """A fact's ``converted: {from: pyeong}``: its value is the quoted figure, given in ``from``,
    converted to the fact's unit; a currency names its ``rate`` (won per dollar)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)
    from_: Annotated[str, one_of("unit", UNITS)] = Field(alias="from")
    rate: ExactDecimal | None = None


class FactEntry(BaseModel):
    """One entry of facts.yaml (docs/facts.md); how fields fit together is checked in facts.py."""

    model_config = _STRICT
    id: FactId
    value: ExactDecimal
    unit: Annotated[str, one_of("unit", UNITS)]
    counted: OptionalText = None
    period: PeriodText | None = None
    as_of: PartialDateText | None = None
    approx: Annotated[str, one_of("approx", APPROX)]
    status: Annotated[str, one_of("status", STATUSES)]
    label: Label = Field(description='label: {ko: ..., en: ...}; a comma ends a value inside { }, so quote a value '
                         'holding one: en: "a, b"')
    source: OptionalText = None
    quote: OptionalText = None
    derived: Annotated[dict[str, list[str]], AfterValidator(_derived)] | None = None
    converted: Conversion | None = None
    note: OptionalText = None
    date_kind: Annotated[str, one_of("date_kind", DATE_KINDS)] = "event"
    scope: Annotated[str, matching(r"[a-z][a-z0-9_]*", "scope must be a glossary term id",
                                   "whose figure it is: e.g. wonju_innovation_cluster, gangwon")] | None = None
    measure: Annotated[str, matching(r"[a-z][a-z0-9_]*", "measure must be snake_case",
                                     "what was counted: sales, production, exports...")] | None = None


class ConflictEntry(BaseModel):
    """One entry under ``conflicts:`` in facts.yaml."""

    model_config = _STRICT
    id: Text
    facts: Annotated[list[str], Field(min_length=2, description="list two or more fact ids")]
    note: Text



# ---------------------------------------------------------------- claims.yaml
CLAIM_STATUSES = ("done", "planned", "forecast")  # docs/facts.md: what a claim says happened or will


class ClaimEntry(BaseModel):
    """One entry of claims.yaml: a statement without a figure, resting on a verbatim quote
    (docs/facts.md); ``ko`` and ``en`` say in one line what it asserts."""

    model_config = _STRICT
    id: FactId
    source: Text
    quote: Text
    ko: Text
    en: Text
    date: PartialDateText | None = None
    status: Annotated[str, one_of("status", CLAIM_STATUSES)] | None = None
    scope: OptionalText = None


# ---------------------------------------------------------------- signoff/<audience>.yaml
SegmentId = Annotated[str, matching(r"s[0-9a-z-]+-(?:h|p|li|tr|cap|n)[0-9]+",
                                    "'{value}' is not a segment id",
                                    "segment ids are as the review page shows them, e.g. s4-2-p3")]
SegmentHash = Annotated[str, matching(r"[0-9a-f]{64}", "the hash must be 64 lower-case hex digits",
                                      "do not edit a hash by hand: approve the segment again")]


def _day(value: str) -> str:
    parts = date_parts(value.strip())
    if parts is None or parts[1] != "day":
        raise _custom("date", f"'{value}' is not a day", "write YYYY-MM-DD")
    return value.strip()


class SignoffEntry(BaseModel):
    """One approved segment: what was approved (the hash of its text and of the facts, terms and
    claims it uses), by whom and when (docs/review.md)."""

    model_config = _STRICT
    hash: SegmentHash
    by: Text
    date: Annotated[str, AfterValidator(_day)] = Field(description="the day of approval: date: 2026-12-05")


class SignoffRecord(BaseModel):
    """signoff/<audience>.yaml: one line per approved segment."""

    model_config = _STRICT
    segments: dict[SegmentId, SignoffEntry] = Field(default_factory=dict,
                                                    description="segments: {s1-p1: {hash: ..., by: ..., date: ...}}")


# ---------------------------------------------------------------- set-aside.yaml
#: Why a source's figure is not a fact (curation/coverage.py): page furniture, a figure the briefs
#: are not about, a second copy of a figure a fact already quotes elsewhere, words that only look
#: like a quantity, and a relevant figure this brief does not use.
SET_ASIDE_REASONS = ("navigation", "out-of-scope", "repeat", "not-a-figure", "unused")


def _line_range(value: str) -> str:
    first, _, last = value.partition("-")
    if int(first) < 1 or (last and int(last) < int(first)):
        raise _custom("lines", f"lines '{value}' is not a range of lines", "write FIRST-LAST, e.g. 12-40, from 1")
    return value


LineRange = Annotated[str, matching(r"[0-9]{1,7}(-[0-9]{1,7})?", "lines must be a line or a range: 12 or 12-40"),
                      AfterValidator(_line_range)]


class SetAsideEntry(BaseModel):
    """One entry of set-aside.yaml: mentions in a source that are deliberately not facts. ``text``
    picks a mention (``context`` some of its occurrences), ``lines`` a part of the source; with
    neither, the entry sets aside every mention of the source no fact covers."""

    model_config = _STRICT
    source: Text
    text: OptionalText = None
    lines: LineRange | None = Field(None, description='lines of the source text: "12-40", or one line: "12"')
    context: OptionalText = None
    reason: Annotated[str, one_of("reason", SET_ASIDE_REASONS)]
    note: OptionalText = None


# ---------------------------------------------------------------- terms.csv
KINDS = ("organisation", "place", "programme", "policy-term", "product-category", "counted-noun", "event",
         "facility", "person-title")  # described in glossary.py and docs/glossary.md


def required(name: str) -> AfterValidator:
    """A spreadsheet cell that must not be empty ("empty en" at the row's line)."""

    def check(value: str) -> str:
        if not value.strip():
            raise _custom("empty", f"empty {name}")
        return value.strip()

    return AfterValidator(check)


class TermRow(BaseModel):
    """One row of terms.csv (docs/glossary.md); cells are text, the header names the columns.
    Rules across rows (duplicates, two English names, forbidden agreed names) are in glossary.py."""

    model_config = _STRICT
    id: Annotated[str, required("id"), matching(r"[a-z][a-z0-9_]*", "id {value!r} is not snake_case",
                                                "use lower-case letters, digits and _ , starting with a letter")]
    ko: Annotated[str, required("ko")]
    en: Annotated[str, required("en")]
    abbr: str = ""
    kind: Annotated[str, required("kind"), one_of("kind", KINDS)]
    en_plural: str = ""
    ko_counter: str = ""
    notes: str = ""
    forbidden: str = ""


# ---------------------------------------------------------------- releases/NAME/release.yaml
RELEASE_FORMAT = 1  # the record format this wreport writes and reads; a newer one is refused
RELEASE_NAME = r"\A[a-z0-9][a-z0-9._-]{0,63}\Z"


class ReleaseManifest(BaseModel):
    """releases/NAME/release.yaml: what was sent, when, by which wreport, and the digest of each
    file of the record, so a file changed by hand is found (docs/releases.md)."""

    model_config = _STRICT
    format: Annotated[str, matching(r"\A[1-9][0-9]{0,2}\Z", "not a record format number")]  # checked first
    name: Annotated[str, matching(RELEASE_NAME, "not a safe release name")]
    created: Annotated[str, matching(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", "not a UTC time (2026-12-05T09:30:00Z)")]
    wreport: str
    audiences: list[str]
    files: dict[str, Annotated[str, matching(r"\A[0-9a-f]{64}\Z", "not a SHA-256 digest")]]


# ---------------------------------------------------------------- seeds/.wreport-import.yaml
#: A file an import writes into the sources folder: ``ID.txt`` or ``ID.original.EXT``.
IMPORTED_FILE = r"\A[a-z0-9][a-z0-9-]{0,59}(?:\.txt|\.original\.[a-z0-9]{1,8})\Z"


class ImportJournal(BaseModel):
    """The journal of a ``sources add`` under way (curation/journal.py): the source's id and
    the files it writes with the SHA-256 of each, so that a later command can take back exactly
    what an interrupted import wrote, and nothing else. wreport writes it; it is read as untrusted."""

    model_config = _STRICT
    id: Annotated[str, matching(r"\A[a-z0-9][a-z0-9-]{0,59}\Z", "not a source id")]
    files: Annotated[dict[Annotated[str, matching(IMPORTED_FILE, "not a file an import writes")],
                          Annotated[str, matching(r"\A[0-9a-f]{64}\Z", "not a SHA-256 digest")]],
                     Field(max_length=4)]
