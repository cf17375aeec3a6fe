"""Every quantitative mention in a source text: the figures a curator must turn into facts.

A *mention* is a number with what it measures, as the source writes it: Korean myriad amounts
with money, area and percent units (6098억원, 4억 3500만 달러, 33만 200㎡, 10만평, 10.9%),
Arabic numerals with a counter (75개, 380여명, 20회, 7곳, 10년, 2배), native number words with a
counter (두 배, 세 분야), English amounts (USD 435 million, 12 percent), and a number standing
alone on its line (a table cell or a page number). Each gets a proposed value in the fact set's
base unit, the approximation its words carry (약, 여, 이상, 미만, 가까이, ...), the counter and the
noun it counts, its line and its sentence.

What is deliberately *not* a mention: dates (2016년, 지난 98년, 70년대, 99년 10월: they become a
fact's ``period``/``as_of``), ordinals (1차 연도, 2단계, 세계 2위), and numbers with nothing after
them inside a sentence (Arab Health 2017, 조회수 4,417's digits are found only with a unit).

The finder is a set of regular expressions over the text, run once, left to right: the same text
always gives the same mentions, and the offsets let a caller tell which fact quotes which mention
(wreport.curation.coverage). Proposed values are proposals: the curator checks each against the
sentence before it becomes a fact (docs/curation.md).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from wreport.inputs.text import squash_spaces

#: Approximation names proposed for the words that carry them: the source's own word, as the fact
#: schema is moving to (``about``, ``more-than`` today; ``at-least``, ``less-than``, ``over`` being
#: added), plus ``nearly`` and ``at-most``, which no fact uses yet (docs/curation.md). 돌파
#: ("passed") is not an approximation: the value is the mark passed.
APPROX_WORDS: dict[str, str] = {
    "약": "about", "대략": "about", "내외": "about", "정도": "about", "가량": "about", "안팎": "about",
    "여": "more-than", "넘게": "over", "넘는": "over", "넘어": "over", "초과": "over", "남짓": "over",
    "이상": "at-least", "미만": "less-than", "가까이": "nearly",
    "이내": "at-most", "이하": "at-most", "내": "at-most",
}

#: A number as written: bounded digit runs (no amount has more than 20 digits), so a long run of
#: digits cannot make the search slow.
_NUM = r"\d{1,3}(?:,\d{3}){1,6}(?:\.\d{1,10})?|\d{1,20}(?:\.\d{1,10})?"
_GROUP = rf"(?:{_NUM})(?:\s?천(?:\s?(?:{_NUM})(?![\d.,]))?)?"  # 4천 632, 1천 150
#: A space may stand between a number and its myriad unit: PDF text extraction puts one wherever
#: digits meet Hangul (286 억원, 3 만 3000㎡, 4 억 3500 만 달러); one space or tab, never a line.
#: Not after a space: 조 of 조회수 (10 조회수, a view counter after a date), 조건, 조명.
_MYRIAD_PART = rf"(?:{_GROUP})(?:[경조억만]|[ \t](?:[억만]|조(?![회건명])))"
#: An amount: myriad parts (4억 3500만, 8만), maybe a plain group after them (33만 200), or a group.
_AMOUNT = (rf"(?:{_MYRIAD_PART})(?:\s{{0,3}}{_MYRIAD_PART}){{0,4}}(?:\s{{0,2}}{_GROUP}(?!\s{{0,2}}[경조억만\d]))?"
           rf"|{_GROUP}")
_MYRIAD_VALUES = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}

#: Units and counters after a Korean amount, longest first; each maps to (unit, counter). The
#: look-aheads keep words that merely begin like a counter out (원주, 평가, 회원, 대학, 분야...).
_KO_UNITS: list[tuple[str, str, str | None]] = [
    (r"달러", "USD", None), (r"원(?![주장리래칙천형])", "KRW", None),
    (r"㎡|m²|m2|제곱미터", "m2", None), (r"평(?![가균화택창양원범등생])", "pyeong", None),
    (r"%|％|퍼센트", "percent", None),
    (r"개국", "count", "개국"), (r"개년", "count", "개년"), (r"개월", "count", "개월"),
    (r"개사", "count", "개사"), (r"개소", "count", "개소"), (r"개(?![념발선최편혁])", "count", "개"),
    (r"명(?![칭성단예시확문])", "count", "명"), (r"건(?![물강설축립전])", "count", "건"),
    (r"회(?![원사장])", "count", "회"), (r"곳", "count", "곳"), (r"년간", "count", "년"),
    (r"년(?![대차도])", "count", "년"), (r"시간", "count", "시간"), (r"분(?![야석산담배양들기류포위명])", "count", "분"),
    (r"국(?![가내제립민토비회장책도정])", "count", "국"), (r"가지", "count", "가지"),
    (r"대(?![학표비상한구전기덕통규회부륙량형책])", "count", "대"),
    (r"배(?![경치출분려달양터포])", "times", None),
]
#: A line break a PDF's text keeps where a line wrapped between a number and its unit
#: (3000\n만달러, 156\n명): one line break, not a paragraph's blank line.
_WRAPPED_FIGURE = re.compile(
    rf"(?<=\d)\r?\n(?=(?:[경조억만]|{'|'.join(pattern for pattern, _, _ in _KO_UNITS)}))")
_TIME = (None, "년", "개년", "개월", "시간", "분")  # counters of time count nothing but the time
_KO_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(_KO_UNITS))
_SUFFIX_WORDS = "이상|미만|가까이|내외|정도|가량|안팎|넘게|넘는|넘어|초과|돌파|남짓|이내|이하"
_KO_MENTION = re.compile(
    rf"(?P<prefix>(?:약|대략)\s{{1,2}}(?:한화\s{{1,2}})?)?"
    rf"(?<![\d.])(?P<amount>{_AMOUNT})"
    rf"(?:\s?[~∼〜]\s?(?P<amount2>{_AMOUNT}))?"
    rf"(?P<yeo>\s{{0,3}}여)?"
    rf"[ \t]{{0,2}}(?:{_KO_UNIT})"
    rf"(?P<suffix>\s{{0,2}}(?:[을를이가]\s{{1,2}})?(?:조금\s{{0,2}})?(?:{_SUFFIX_WORDS})|\s{{0,2}}거리\s{{0,2}}내(?=[^가-힣]|[에의]|$))?"
)
_NATIVE = {"한": 1, "하나": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
           "아홉": 9, "열": 10, "스무": 20}
_NATIVE_COUNTERS = "배|분야|개|곳|명|가지|마리|군데|단계|번|건|회|차례|시간"
_PARTICLE = "의|에|로|으로|를|을|이|가|와|과|은|는|도|만|씩|나|에서|까지|째|보다"
_NATIVE_MENTION = re.compile(
    rf"(?<![가-힣])(?P<word>{'|'.join(sorted(_NATIVE, key=len, reverse=True))})\s?(?P<counter>{_NATIVE_COUNTERS})"
    rf"(?=[^가-힣]|$|(?:{_PARTICLE})(?:[^가-힣]|$))"
    rf"(?P<suffix>\s{{0,2}}(?:{_SUFFIX_WORDS}))?"
)
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "mn": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12}
_EN_MENTION = re.compile(
    rf"(?<![\w.])(?:(?P<prefix>about|around|approximately|some|nearly|almost|over|more than|at least|less than|"
    rf"under)\s)?"
    rf"(?:(?P<cur>USD|US\$|KRW|\$|₩)\s?(?P<num>{_NUM})(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    rf"|(?P<num2>{_NUM})\s(?:(?P<scale2>thousand|million|billion|trillion)\s)?(?P<cur2>dollars|won|USD|KRW)\b"
    rf"|(?P<num3>{_NUM})\s?(?:percent|per cent)\b)",
    re.IGNORECASE,
)
_EN_APPROX = {"about": "about", "around": "about", "approximately": "about", "some": "about", "nearly": "nearly",
              "almost": "nearly", "over": "over", "more than": "more-than", "at least": "at-least",
              "less than": "less-than", "under": "less-than"}
_BARE_LINE = re.compile(rf"^[ \t]*(?P<amount>{_NUM})[ \t]*$", re.MULTILINE)
_DATE_BEFORE = re.compile(r"(?:지난|’|'|‘)\s?$")
_MONTH_AFTER = re.compile(r"\s?\d{1,2}\s?월")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?。](?=\s|$)|\n[ \t\u3000]*\n|[▲◇■※]")
_WORD_AFTER = re.compile(r"\s{0,2}(?:의\s)?([가-힣A-Za-z][가-힣A-Za-z·\-]*)")
_WORD_BEFORE = re.compile(r"([가-힣A-Za-z][가-힣A-Za-z·\-]*)\s{0,2}$")
_TRAILING_PARTICLE = re.compile(r"(?:으로|에서|까지|보다|[을를이가의에와과은는도로만])$")
_PARTICLE_ONLY = re.compile(rf"(?:{_PARTICLE})(?:[^가-힣]|$)|[^가-힣\s]")
_WORD = re.compile(r"\S+")  # a word as squash_spaces splits them (re's \s is str.isspace)
SENTENCE_MAX = 300


@dataclass(frozen=True)
class Mention:
    """One quantitative mention: where it is, what it says, and the value proposed for a fact.

    ``start``/``end`` are offsets in the source text of the number and its unit (the approximation
    words around them are in ``text`` but not in the span), so a fact covers the mention when its
    quote holds that span. ``unit`` is a fact unit (KRW, USD, m2, pyeong, percent, count), or
    ``times`` for 배, or None for a bare number whose unit the table or page leaves unsaid.
    """

    source: str
    line: int
    start: int
    end: int
    text: str
    value: Decimal
    unit: str | None
    counter: str | None
    noun: str | None
    approx: str | None
    sentence: str


def find_mentions(source_id: str, text: str) -> list[Mention]:
    """Every mention in ``text`` (the source's text as loaded), in reading order."""
    found = [*_korean(source_id, text), *_native(source_id, text), *_english(source_id, text),
             *_bare(source_id, text)]
    found.sort(key=lambda m: (m.start, m.end))
    kept: list[Mention] = []
    for mention in found:  # the first (leftmost, longest) reading of a stretch of text wins
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    where = _Places(text)
    return [dataclasses.replace(m, line=where.line(m.start), sentence=where.sentence(m.start, m.end)) for m in kept]


@functools.lru_cache(maxsize=16)
def mentions_of(source_id: str, text: str) -> tuple[Mention, ...]:
    """``find_mentions``, kept for the last few texts: ``check`` reads each source's figures for
    the value check and again for coverage, and a source's text does not change within a run."""
    return tuple(find_mentions(source_id, text))


# ---------------------------------------------------------------- the readings
def _korean(source_id: str, text: str) -> Iterator[Mention]:
    for match in _KO_MENTION.finditer(text):
        index = next(i for i in range(len(_KO_UNITS)) if match.group(f"u{i}") is not None)
        _, unit, counter = _KO_UNITS[index]
        unit_text = match.group(f"u{index}")
        if counter == "년" and _is_date(text, match, unit_text):
            continue
        approx = _korean_approx(match)
        amounts = [("amount", match.group("amount"))]
        if match.group("amount2"):
            amounts.append(("amount2", match.group("amount2")))
        core_end = match.end(f"u{index}")
        for group, amount in amounts:
            start = match.start(group)
            end = core_end if group == amounts[-1][0] else match.end(group)
            value = parse_korean_amount(amount)
            shown_start = match.start("prefix") if match.group("prefix") and group == "amount" else start
            shown_end = match.end("suffix") if match.group("suffix") else core_end
            if group == "amount" and len(amounts) > 1:
                shown_end = match.end("amount")
            yield Mention(source_id, 0, start, end, squash_spaces(text[shown_start:shown_end]), value,
                          unit, counter, _noun(text, match.start(), match.end()) if counter not in _TIME else None,
                          approx,
                          "")


def _native(source_id: str, text: str) -> Iterator[Mention]:
    for match in _NATIVE_MENTION.finditer(text):
        counter = match.group("counter")
        unit = "times" if counter == "배" else "count"
        suffix = match.group("suffix")
        approx = APPROX_WORDS.get(suffix.strip()) if suffix else None
        start, end = match.start(), match.end("counter")
        yield Mention(source_id, 0, start, end, squash_spaces(match.group(0)),
                      Decimal(_NATIVE[match.group("word")]), unit, None if unit == "times" else counter,
                      _noun(text, start, end) if unit == "count" else None, approx, "")


def _english(source_id: str, text: str) -> Iterator[Mention]:
    for match in _EN_MENTION.finditer(text):
        prefix = (match.group("prefix") or "").lower()
        if match.group("num3"):
            value, unit = _plain(match.group("num3")), "percent"
        else:
            number = match.group("num") or match.group("num2")
            scale = (match.group("scale") or match.group("scale2") or "").lower()
            currency = (match.group("cur") or match.group("cur2") or "").upper()
            value = _exact(_plain(number) * _EN_SCALES.get(scale, 1))
            unit = "KRW" if currency in ("KRW", "₩", "WON") else "USD"
        start = match.start("cur") if match.group("cur") else match.start("num2") if match.group("num2") \
            else match.start("num3")
        yield Mention(source_id, 0, start, match.end(), squash_spaces(match.group(0)), value, unit,
                      None, None, _EN_APPROX.get(prefix), "")


def _bare(source_id: str, text: str) -> Iterator[Mention]:
    """A number alone on its line: a table cell (회원수 82 112 137 55) or a page number (48)."""
    for match in _BARE_LINE.finditer(text):
        start, end = match.span("amount")
        yield Mention(source_id, 0, start, end, match.group("amount"), _plain(match.group("amount")),
                      None, None, None, None, "")


def join_wrapped_figures(text: str) -> str:
    """``text`` with each line break that splits a figure from its unit made a space, so a PDF
    whose lines wrapped at 3000|만달러 reads as the same figures as the document's own text."""
    return _WRAPPED_FIGURE.sub(" ", text)


# ---------------------------------------------------------------- values
def parse_korean_amount(amount: str) -> Decimal:
    """A Korean amount as an exact number: '4억 3500만' → 435000000, '1천 150' → 1150,
    '33만 200' → 330200, '21억7000만' → 2170000000, '10.9' → 10.9, '4,417' → 4417."""
    total = Decimal(0)
    for part in re.finditer(rf"(?P<group>{_GROUP})[ \t]?(?P<myriad>[경조억만])?", amount):
        total += _group_value(part.group("group")) * _MYRIAD_VALUES.get(part.group("myriad") or "", 1)
    return _exact(total)


def _exact(value: Decimal) -> Decimal:
    """A whole number without a fraction part (1.5억 is 150000000, not 150000000.0)."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def _group_value(group: str) -> Decimal:
    """A four-digit group, maybe written with 천: '4천 632' → 4632, '9000' → 9000."""
    if "천" in group:
        thousands, _, rest = group.partition("천")
        return _plain(thousands) * 1000 + (_plain(rest) if rest.strip() else 0)
    return _plain(group)


def _plain(number: str) -> Decimal:
    return Decimal(number.strip().replace(",", ""))


def _is_date(text: str, match: re.Match[str], unit_text: str) -> bool:
    """Whether an amount before 년 is a year (2016년, 2005년도, 지난 98년, 99년 10월), not a length."""
    amount = match.group("amount")
    if unit_text == "년간":
        return False
    if re.fullmatch(r"(1[89]|20)\d\d", amount):
        return True
    if _DATE_BEFORE.search(text[max(0, match.start() - 4):match.start()]):
        return True
    return bool(_MONTH_AFTER.match(text, match.end()))


def _korean_approx(match: re.Match[str]) -> str | None:
    """The approximation the words around the amount carry (the last one written wins: '약 10여'
    is rare and 'more than' then says the most)."""
    suffix = match.group("suffix")
    if suffix:
        return APPROX_WORDS.get(re.split(r"\s+", suffix.strip())[-1].removeprefix("거리"))
    if match.group("yeo"):
        return "more-than"
    if match.group("prefix"):
        return "about"
    return None


# ---------------------------------------------------------------- context
class _Places:
    """Line numbers and sentence bounds of one text, found once (a long source has many mentions).

    Each sentence is squashed once, with where each of its words starts in the squashed form,
    however many mentions it holds: a statistical annex run into one sentence of 20,000 figures
    squashed the whole sentence once per figure (quadratic: 84 s for a 150 KB sentence)."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.boundaries = [m.end() for m in _SENTENCE_END.finditer(text)]
        self._squashed: dict[tuple[int, int], _Squashed] = {}

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a mention, whitespace squashed, cut to SENTENCE_MAX characters."""
        before = bisect.bisect_right(self.boundaries, start)
        begin = self.boundaries[before - 1] if before else 0
        after = bisect.bisect_left(self.boundaries, end + 1)
        finish = self.boundaries[after] if after < len(self.boundaries) else len(self.text)
        if (begin, finish) not in self._squashed:
            self._squashed[begin, finish] = _Squashed(self.text, begin, finish)
        squashed = self._squashed[begin, finish]
        sentence = squashed.text
        if len(sentence) > SENTENCE_MAX:
            cut = max(0, squashed.length_before(start) - SENTENCE_MAX // 2)
            sentence = ("…" if cut else "") + sentence[cut:cut + SENTENCE_MAX] + "…"
        return sentence


class _Squashed:
    """One stretch of text as ``squash_spaces`` gives it and, once a long one is cut, where each
    of its words starts there: the squashed length of any prefix is then a binary search, not a
    second squash."""

    def __init__(self, text: str, begin: int, finish: int):
        self.source, self.begin, self.finish = text, begin, finish
        self.text = squash_spaces(text[begin:finish])
        self.starts: list[int] = []  # each word's offset in the source text
        self.ends: list[int] = []
        self.places: list[int] = []  # and where it starts in the squashed text

    def length_before(self, offset: int) -> int:
        """``len(squash_spaces(source[begin:offset]))``: the words before ``offset``, the last
        one cut at it, one space between each."""
        if not self.starts:
            self._index()
        index = bisect.bisect_left(self.starts, offset) - 1
        if index < 0:
            return 0
        return self.places[index] + min(self.ends[index], offset) - self.starts[index]

    def _index(self) -> None:
        place = 0
        for word in _WORD.finditer(self.source, self.begin, self.finish):
            self.starts.append(word.start())
            self.ends.append(word.end())
            self.places.append(place)
            place += word.end() - word.start() + 1


def _noun(text: str, start: int, end: int) -> str | None:
    """The word a count counts: the one after the counter (75개 의료기기...), or before it (기업 121명)."""
    after = _WORD_AFTER.match(text, end)
    word = None
    if after and (text[end:end + 1] in (" ", "\t", "의") or not _PARTICLE_ONLY.match(text, end)):
        word = after.group(1)[:12]
    else:
        before = _WORD_BEFORE.search(text[max(0, start - 20):start])
        word = before.group(1) if before else (after.group(1) if after else None)
    if word:
        word = _TRAILING_PARTICLE.sub("", word) or word
    return word
