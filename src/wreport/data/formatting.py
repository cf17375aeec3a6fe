"""The house style for numbers, money, areas and dates (docs/house-style.md), on top of Babel.

Facts hold exact decimals in base units (won, dollars, m², pyeong, percent points, counts); this
module is the only place they become text, so the Korean and English editions cannot disagree on
a figure. Babel supplies what locale data decides: digit grouping, decimal symbols, month names.
This module adds what Babel does not know: Korean myriad grouping (만/억/조/경) written the
맞춤법 way, the English money style (KRW 609.8 billion), pyeong with its metric equivalent, and
the approximation words (약/여/이상/미만/넘게, about/more than/at least/less than/over).

Babel's compact and percent formatters are deliberately not used: both round sourced figures
(4.35억, 10.45 → 10.4, 0.109 → 11%). Every Babel call here runs with ``decimal_quantization``
off (or on a value already known to fit the pattern) inside a decimal context wide enough for the
value, so no digit of a fact is ever lost.

Public API: :class:`CountedNoun`, :class:`Style`, :data:`UNITS`, :data:`APPROX`,
:func:`format_quantity`, :func:`format_number`, :func:`format_date`, :func:`format_period`,
:func:`pyeong_to_m2`, :func:`round_significant`.
"""

from __future__ import annotations

import datetime
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, get_minus_sign_symbol

from wreport.errors import FormatError

UNITS = ("KRW", "USD", "m2", "pyeong", "percent", "count")
#: Approximation words, each as the sources write it (docs/house-style.md): about (약, 정도,
#: 내외), more-than (여), at-least (이상), less-than (미만), over (넘게, 넘는).
APPROX = (None, "about", "more-than", "at-least", "less-than", "over")
LANGS = ("ko", "en")
PRECISIONS = ("day", "month", "year")

#: Values must be below this: the largest Korean unit is 경 (10^16), so 9999경 9999조 ... is the
#: most a myriad rendering can write; English uses the same bound for one rule in both editions.
LIMIT = Decimal(10) ** 20
#: Korean myriad units, smallest first: each covers four more digits.
MYRIAD_UNITS = ("", "만", "억", "조", "경")
#: English money words, largest first; trillions is the largest word the house style uses.
EN_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
#: Significant figures of the metric equivalent shown next to a pyeong figure.
M2_SIGNIFICANT_DIGITS = 4
#: 1 pyeong = 400/121 m² exactly (6 shaku squared).
_M2_PER_PYEONG_NUM, _M2_PER_PYEONG_DEN = 400, 121

_KO_WORDS = {"KRW": "원", "USD": "달러", "pyeong": "평"}
_EN_APPROX = {None: "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
              "less-than": "less than ", "over": "over "}
#: Korean words written after the whole figure, unit word included, with a space: 700만 달러 이상.
_KO_AFTER = {"at-least": "이상", "less-than": "미만", "over": "넘게"}
_NON_NEGATIVE = ("count", "m2", "pyeong")


@dataclass(frozen=True)
class CountedNoun:
    """What a count counts, from the glossary: the Korean counter and the English noun forms.

    ``CountedNoun("개", "company", "companies")`` gives 75개 / 75 companies / 1 company.
    """

    ko_counter: str
    en_singular: str
    en_plural: str


@dataclass(frozen=True)
class Style:
    """Per-project style options (``[style]`` in wreport.toml).

    ``myriad_group_commas`` puts thousands commas inside Korean four-digit groups (4억 3,500만)
    or leaves them out (4억 3500만); it applies to every Korean figure, including those below
    10,000 (3,150평 / 3150평). English grouping is always on.
    """

    myriad_group_commas: bool = True


# ---------------------------------------------------------------- public API
def format_quantity(
    value: Decimal | int | str,
    unit: str,
    lang: str,
    *,
    approx: str | None = None,
    counted: CountedNoun | None = None,
    style: Style | None = None,
    source_first: bool = False,
) -> str:
    """A sourced quantity in one edition's house style, e.g. ``6,098억 원`` / ``KRW 609.8 billion``.

    ``source_first``: a pyeong figure in English with the source's unit first, "10,000 pyeong
    (about 33,060 m²)", for a sentence saying what a source gives (Korean always puts 평 first).

    ``value`` is the exact figure in the unit's base (won, dollars, m², pyeong, percent points
    with "10.9" meaning 10.9%, or a count). Floats are refused: a sourced figure must be exact.
    Raises :class:`FormatError` for anything the style cannot write honestly (see
    docs/house-style.md, "Decisions where the shared style is silent").
    """
    _check_choice(unit, UNITS, "unit")
    _check_choice(lang, LANGS, "language")
    _check_choice(approx, APPROX, "approx")
    if unit == "percent" and approx == "more-than":
        # Refused in both editions, so a fact is writable in both or in neither.
        raise FormatError("more-than (여) does not follow a percentage: 90%여 is not Korean",
                          hint="the sources write 90% 이상: use at-least, or over for 넘게")
    number = _to_decimal(value, allow_float=False)
    _check_quantity(number, unit, counted)
    style = style or Style()
    with _wide_context(number):
        if lang == "ko":
            return _quantity_ko(number, unit, approx, counted, style)
        return _quantity_en(number, unit, approx, counted, source_first)


def format_number(value: Decimal | int | str | float, lang: str, style: Style | None = None) -> str:
    """A bare number in the edition's style (Korean myriad form, English grouped), for table cells
    and chart axis labels where the unit is said elsewhere.

    Floats are accepted here (axis ticks are floats) and read through their shortest repr, so
    2.5 renders as 2.5, not as the binary expansion of 2.5.
    """
    _check_choice(lang, LANGS, "language")
    number = _to_decimal(value, allow_float=True)
    _check_range(number, "number")
    style = style or Style()
    with _wide_context(number):
        if lang == "ko":
            return _myriad(number, style.myriad_group_commas)
        return _grouped(number, "en")


def format_date(d: datetime.date, lang: str, precision: str = "day") -> str:
    """A date at day, month or year precision: 2007년 12월 10일 / December 10, 2007 (month:
    2005년 4월 / April 2005; year: 2016년 / 2016). Babel supplies the month names."""
    _check_choice(lang, LANGS, "language")
    _check_choice(precision, PRECISIONS, "precision")
    if not isinstance(d, datetime.date):
        raise FormatError(f"{d!r} is not a date", hint="pass a datetime.date")
    return _babel_date(d, _DATE_PATTERNS[lang][precision], locale=lang)


def format_period(
    start: datetime.date | int, end: datetime.date | int, lang: str, precision: str = "year"
) -> str:
    """A period from ``start`` to ``end`` inclusive: 2005~2008년 / 2005–2008.

    Years may be given as ints (year precision only), or dates at any precision. What the two
    ends share is written once (2007년 3~5월, March–May 2007); a period within one unit of the
    precision collapses to a single date. Babel's interval formats are not used: they space the
    tilde (2005년 ~ 2008년) and abbreviate English months (Mar 1 – 10, 2007).
    """
    _check_choice(lang, LANGS, "language")
    _check_choice(precision, PRECISIONS, "precision")
    first, last = _period_end(start, precision), _period_end(end, precision)
    depth = PRECISIONS[::-1].index(precision) + 1  # year: 1, month: 2, day: 3 fields compared
    first_key, last_key = _date_fields(first)[:depth], _date_fields(last)[:depth]
    if last_key < first_key:
        raise FormatError(f"period ends ({end}) before it starts ({start})", hint="swap the two ends")
    if first_key == last_key:
        return format_date(first, lang, precision)
    shared = _shared_fields(first_key, last_key)
    start_pattern, end_pattern = _PERIOD_PATTERNS[lang][precision][shared]
    joiner = "~" if lang == "ko" else "\u2013"
    return _babel_date(first, start_pattern, locale=lang) + joiner + _babel_date(last, end_pattern, locale=lang)


def pyeong_to_m2(value: Decimal | int | str) -> Decimal:
    """Square metres in ``value`` pyeong: value × 400 / 121.

    400/121 does not terminate in decimal, so the result carries 40 significant digits. That
    is enough for the 4-significant-figure display rounding to be the rounding of the exact
    rational: 1/121 repeats with period 22, so no run of 36 nines or zeros after the fourth
    digit can fool the rounding.
    """
    number = _to_decimal(value, allow_float=False)
    with localcontext(prec=max(40, _digits_needed(number) + 10)):
        return number * _M2_PER_PYEONG_NUM / _M2_PER_PYEONG_DEN


def round_significant(value: Decimal, digits: int = M2_SIGNIFICANT_DIGITS) -> Decimal:
    """``value`` rounded to ``digits`` significant figures, halves away from zero (ROUND_HALF_UP).

    Half-up, not Python's default half-even, because readers round that way: 330,550 m² shown
    to four figures is 330,600, never 330,500. The result is an integer-exponent Decimal when
    it has no fraction, so it prints without an exponent.
    """
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    with localcontext(prec=max(40, _digits_needed(value) + 10)):
        rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
        return rounded.quantize(Decimal(1)) if _exponent(rounded) > 0 else rounded


# ---------------------------------------------------------------- input checks
def _check_choice(given: object, allowed: tuple[str | None, ...], what: str) -> None:
    """Refuse an unknown unit/language/approx/precision, listing what is allowed."""
    if given not in allowed:
        names = ", ".join("none" if a is None else a for a in allowed)
        raise FormatError(f"unknown {what} {given!r}", hint=f"use one of: {names}")


def _to_decimal(value: object, *, allow_float: bool) -> Decimal:
    """The value as an exact, finite Decimal, or a FormatError saying why it is not one."""
    if isinstance(value, bool):
        raise FormatError(f"{value!r} is not a number")
    if isinstance(value, float):
        if not allow_float:
            raise FormatError(
                f"{value!r} is a float, which cannot hold a sourced figure exactly",
                hint="pass a Decimal, an int or a decimal string such as '10.9'",
            )
        value = repr(value)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise FormatError(
                f"{value!r} is not a number",
                hint="write digits with an optional point and no grouping, e.g. 609800000000 or 10.9",
            ) from None
    else:
        raise FormatError(f"{value!r} is not a number", hint="pass a Decimal, an int or a decimal string")
    if not number.is_finite():
        raise FormatError(f"{value!r} is not a finite number")
    return number if number else Decimal(0)  # -0 is written as 0


def _check_range(number: Decimal, what: str) -> None:
    """Refuse values the unit words cannot write: 10^20 and above (beyond 9999경)."""
    if abs(number) >= LIMIT:
        raise FormatError(
            f"{number} {what} is too large to write: the house style goes up to 10^20 "
            "(9999경 in Korean, 99,999,999 trillion in English)"
        )


def _check_quantity(number: Decimal, unit: str, counted: CountedNoun | None) -> None:
    """The unit's own rules: no negative counts or areas, whole counts and won, cents at most."""
    _check_range(number, unit)
    if unit in _NON_NEGATIVE and number < 0:
        raise FormatError(f"{number} {unit}: a {_UNIT_NAMES[unit]} cannot be negative")
    if unit in ("count", "KRW") and number != number.to_integral_value():
        raise FormatError(f"{number} {unit}: a {_UNIT_NAMES[unit]} must be a whole number")
    if unit == "USD" and number != number.quantize(Decimal("0.01")):
        raise FormatError(f"{number} USD: dollar amounts go down to cents, not below")
    if counted is not None and unit != "count":
        raise FormatError(f"a counted noun ({counted.en_plural}) was given for unit {unit!r}",
                          hint="counted nouns apply to unit 'count' only")


_UNIT_NAMES = {"count": "count", "KRW": "won amount", "m2": "area", "pyeong": "area"}


# ---------------------------------------------------------------- digits
def _digits_needed(number: Decimal) -> int:
    """How many digits the number spans from its highest to its lowest written place."""
    return max(number.adjusted(), 0) + max(-_exponent(number), 0) + 1


def _exponent(number: Decimal) -> int:
    """The exponent of a finite Decimal (an infinity or a NaN has a letter there instead)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int), number
    return exponent


def _wide_context(number: Decimal) -> AbstractContextManager[Context]:
    """A decimal context wide enough that neither Babel nor scaling rounds this number.

    Babel works in the current context (28 digits by default), which silently drops the tail of
    a long sourced figure (99999999999999999999.123456789 would lose its last digits).
    """
    return localcontext(prec=max(40, _digits_needed(number) + 10))


def _grouped(number: Decimal, lang: str, commas: bool = True, cents: bool = False) -> str:
    """A plain number via Babel, every decimal kept; ``cents`` forces two decimals (USD 1,234.50)."""
    pattern = ("#,##0" if commas else "#0") + (".00" if cents else ".###")
    return format_decimal(number, pattern, locale=lang, decimal_quantization=cents)


def _myriad(number: Decimal, commas: bool, cents: bool = False) -> str:
    """Korean myriad form: 4억 3,500만, 33만 200, 1억 5,000만 (never 1.5억).

    Four-digit groups from the right take 만/억/조/경, empty groups are left out, groups are
    separated by a space (맞춤법 제44항). A fraction belongs to the last (ones) group only, so
    10,000.5 is 1만 0.5: the figure stays exact and readable back.
    """
    sign = get_minus_sign_symbol("ko") if number < 0 else ""
    whole, fraction = divmod(abs(number), 1)
    rest, parts = int(whole), []
    for unit_word in MYRIAD_UNITS:
        rest, group = divmod(rest, 10000)
        if unit_word == "" and (group or fraction):
            parts.append(_grouped(group + fraction, "ko", commas, cents))
        elif group:
            parts.append(_grouped(Decimal(group), "ko", commas) + unit_word)
    return sign + (" ".join(reversed(parts)) or "0")


def _has_fraction(number: Decimal) -> bool:
    return number != number.to_integral_value()


# ---------------------------------------------------------------- Korean edition
def _quantity_ko(number: Decimal, unit: str, approx: str | None, counted: CountedNoun | None,
                 style: Style) -> str:
    """Dispatch a Korean quantity to its unit's form."""
    commas = style.myriad_group_commas
    if unit == "percent":
        return _ko_approx(_grouped(number, "ko", commas) + "%", approx)
    if unit == "pyeong":
        return f"{_ko_with_word(number, '평', approx, commas)}({_metric_equivalent_ko(number, commas)})"
    if unit == "m2":
        return _ko_with_word(number, "㎡", approx, commas, symbol=True)
    cents = unit == "USD" and _has_fraction(number)
    word = counted.ko_counter if unit == "count" and counted else _KO_WORDS.get(unit, "")
    return _ko_with_word(number, word, approx, commas, cents=cents)


def _ko_with_word(number: Decimal, word: str, approx: str | None, commas: bool, *,
                  symbol: bool = False, cents: bool = False) -> str:
    """A myriad number, its 여/약 and its unit word, spaced the 맞춤법 way.

    A unit word attaches to Arabic digits (75개, 3,150평) but is spaced after a Hangul myriad
    unit or 여 (6,098억 원, 380여 명), since 제43항 allows attachment only after digits. Unit
    symbols (㎡) are not words and always attach (33만㎡).
    """
    text = _myriad(number, commas, cents)
    if approx == "more-than":
        text += "여"
    if word:
        text += ("" if symbol or text[-1].isdigit() else " ") + word
    return _ko_approx(text, approx if approx != "more-than" else None)


def _ko_approx(text: str, approx: str | None) -> str:
    """약 before the whole figure, or 이상/미만/넘게 after it and its unit word, each spaced:
    약 4,923억 원, 700만 달러 이상, 10개 미만, 1시간 넘게 (여 is placed by the caller)."""
    if approx == "about":
        return f"약 {text}"
    if approx in _KO_AFTER:
        return f"{text} {_KO_AFTER[approx]}"
    return text


def _metric_equivalent_ko(pyeong: Decimal, commas: bool) -> str:
    """The parenthesised metric equivalent of a pyeong figure: 약 33만 600㎡ (약 only if rounded)."""
    shown, rounded = _metric_for_display(pyeong)
    return ("약 " if rounded else "") + _myriad(shown, commas) + "㎡"


def _metric_for_display(pyeong: Decimal) -> tuple[Decimal, bool]:
    """The m² figure shown for a pyeong value (4 significant figures) and whether it was rounded."""
    exact = pyeong_to_m2(pyeong)
    shown = round_significant(exact)
    return shown, shown != exact


# ---------------------------------------------------------------- English edition
def _quantity_en(number: Decimal, unit: str, approx: str | None, counted: CountedNoun | None,
                 source_first: bool = False) -> str:
    """Dispatch an English quantity to its unit's form; the approx word goes in front."""
    if unit == "pyeong":
        shown, rounded = _metric_for_display(number)
        metric = ("about " if rounded else "") + f"{_grouped(shown, 'en')} m²"
        pyeong = f"{_en_approx(approx, False)}{_grouped(number, 'en')} pyeong"
        return f"{pyeong} ({metric})" if source_first else f"{metric} ({pyeong})"
    if unit in ("KRW", "USD"):
        body = f"{unit} {_money_en(number, cents=unit == 'USD' and _has_fraction(number))}"
    elif unit == "m2":
        body = f"{_grouped(number, 'en')} m²"
    elif unit == "percent":
        body = f"{_grouped(number, 'en')}%"
    else:
        body = _grouped(number, "en")
        if counted:
            body += " " + (counted.en_singular if number == 1 else counted.en_plural)
    return _en_approx(approx, unit == "count") + body


def _en_approx(approx: str | None, countable: bool) -> str:
    """The English word in front of a figure; less-than is 'fewer than' for a count, with or
    without its noun (fewer than 10 companies, fewer than 10), 'less than' otherwise (less than 80%)."""
    if approx == "less-than" and countable:
        return "fewer than "
    return _EN_APPROX[approx]


def _money_en(number: Decimal, cents: bool) -> str:
    """An English money amount: 609.8 billion from a million up, with every decimal the exact
    value needs (10.45 million, never rounded); below a million the full grouped number."""
    for scale, word in EN_SCALES:
        if abs(number) >= scale:
            return f"{_grouped((number / scale).normalize(), 'en')} {word}"
    return _grouped(number, "en", cents=cents)


# ---------------------------------------------------------------- dates and periods
_DATE_PATTERNS = {
    "ko": {"day": "y년 M월 d일", "month": "y년 M월", "year": "y년"},
    "en": {"day": "MMMM d, y", "month": "MMMM y", "year": "y"},
}

# (start pattern, end pattern) by language, precision and what the two ends share.
_PERIOD_PATTERNS = {
    "ko": {
        "year": {"none": ("y", "y년")},
        "month": {"none": ("y년 M월", "y년 M월"), "year": ("y년 M", "M월")},
        "day": {"none": ("y년 M월 d일", "y년 M월 d일"), "year": ("y년 M월 d일", "M월 d일"),
                "month": ("y년 M월 d", "d일")},
    },
    "en": {
        "year": {"none": ("y", "y")},
        "month": {"none": ("MMMM y", "MMMM y"), "year": ("MMMM", "MMMM y")},
        "day": {"none": ("MMMM d, y", "MMMM d, y"), "year": ("MMMM d", "MMMM d, y"),
                "month": ("MMMM d", "d, y")},
    },
}


def _period_end(end: datetime.date | int, precision: str) -> datetime.date:
    """One end of a period as a date; a bare year is allowed at year precision only."""
    if isinstance(end, datetime.date):
        return end
    if isinstance(end, int) and not isinstance(end, bool):
        if precision != "year":
            raise FormatError(f"the year {end} cannot be written at {precision} precision",
                              hint="pass dates, or use precision 'year'")
        if not datetime.MINYEAR <= end <= datetime.MAXYEAR:
            raise FormatError(f"{end} is not a year between {datetime.MINYEAR} and {datetime.MAXYEAR}")
        return datetime.date(end, 1, 1)
    raise FormatError(f"{end!r} is not a date or a year", hint="pass a datetime.date or an int year")


def _date_fields(d: datetime.date) -> tuple[int, int, int]:
    return (d.year, d.month, d.day)


def _shared_fields(first: tuple[int, ...], last: tuple[int, ...]) -> str:
    """What two different period ends share from the front: 'none', 'year' or 'month'."""
    if first[0] != last[0]:
        return "none"
    return "month" if len(first) == 3 and first[1] == last[1] else "year"
