"""Bad input through the real command line: clear messages, no tracebacks, nothing half-written,
no way out of the sandbox or the fence, and hostile or extreme text rendered as text."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable

import docx
import pytest
from mini_project import copy_mini, write_template
from project_edits import (
    EN,
    FACTS,
    KO,
    append,
    docx_text,
    edit,
    pdf_text,
    snapshot,
    squashed,
    words_off_the_page,
    wreport,
)
from pypdf import PdfReader

# ---------------------------------------------------------------- the bad-input battery
# (name, how to break the fixture project, "file:line" the message must name, words it must say)
Breakage = Callable[[Path], None]
BAD_INPUTS: list[tuple[str, Breakage, str, str]] = [
    ("malformed facts YAML",
     lambda r: edit(r, FACTS, "  - id: sales_2006\n", "  - id: sales_2006\n   bad: [\n"),
     f"{FACTS}:13", "invalid YAML"),
    ("malformed sources YAML",
     lambda r: edit(r, "seeds/sources.yaml", '    language: ko\n', '    language: ko\n  file: [\n'),
     "seeds/sources.yaml:11", "invalid YAML"),
    ("fact value with a comma",
     lambda r: edit(r, FACTS, 'value: "75"', 'value: "7,5"'),
     f"{FACTS}:42", "value '7,5' is not an exact decimal"),
    ("quote not in the source",
     lambda r: edit(r, FACTS, 'quote: "수출액의 12%를', 'quote: "수출액의 13%를'),
     f"{FACTS}:52", "fact 'export_share': quote not found in source 'fnnews-2007'"),
    ("derived value that does not compute",
     lambda r: edit(r, FACTS, 'value: "437.1"', 'value: "437.2"'),
     f"{FACTS}:32", "declared value 437.2 does not match growth(sales_2001, sales_2006) = 437.1"),
    ("counted noun missing from the glossary",
     lambda r: edit(r, FACTS, "counted: companies", "counted: firms"),
     f"{FACTS}:44", "'firms' is not a counted noun in the glossary"),
    ("glossary CSV with an unclosed quote",
     lambda r: append(r, "glossary/terms.csv", 'seoul,서울,"Seoul,,place,,,,\n'),
     "glossary/terms.csv:7", "unclosed quote"),
    ("glossary CSV row with too few fields",
     lambda r: append(r, "glossary/terms.csv", "seoul,서울,Seoul\n"),
     "glossary/terms.csv:7", "expected 9 fields, found 3"),
    ("glossary id given twice",
     lambda r: append(r, "glossary/terms.csv", "wmit,원주테크노밸리,Techno Valley,,organisation,,,,\n"),
     "glossary/terms.csv:7", "duplicate id 'wmit' (first on line 3)"),
    ("bad TOML in wreport.toml",
     lambda r: append(r, "wreport.toml", '[style\nmyriad_group_commas = true\n'),
     "wreport.toml:5", "invalid TOML"),
    ("bad TOML in audience.toml",
     lambda r: edit(r, "templates/brief/audience.toml", '"pdf", "docx"]', '"pdf", "docx"'),
     "templates/brief/audience.toml:3", "invalid TOML: Unclosed array"),
    ("audience.toml without the edition's title",
     lambda r: edit(r, "templates/brief/audience.toml", 'title = "The Wonju Medical-Device Cluster"\n', ""),
     "templates/brief/audience.toml:12", "[en]: missing key 'title'"),
    ("Jinja syntax error",
     lambda r: edit(r, EN, "## Sales\n", "## Sales\n{% for x in %}\n"),
     f"{EN}:8", "syntax error"),
    ("Jinja syntax error in a shared macro",
     lambda r: edit(r, "templates/_shared/macros.md.j2", "{% for id in ids -%}", "{% for id in ids -%"),
     "templates/_shared/macros.md.j2:7", "syntax error: unexpected '%'"),
    ("undefined variable",
     lambda r: edit(r, EN, "## Sales\n", "## Sales\n{{ audience_name }}\n"),
     f"{EN}:8", "'audience_name' is undefined"),
    ("unknown helper",
     lambda r: edit(r, EN, "## Sales\n", "## Sales\n{{ figure('sales_2001') }}\n"),
     f"{EN}:8", "'figure' is undefined"),
    ("unknown fact",
     lambda r: edit(r, EN, '{{ fact("export_share") }}', '{{ fact("export_shares") }}'),
     f"{EN}:17", "unknown fact 'export_shares' (did you mean 'export_share'?)"),
    ("unknown term",
     lambda r: edit(r, KO, '{{ term("wonju_city") }}', '{{ term("wonju_town") }}'),
     f"{KO}:19", "unknown glossary term 'wonju_town'"),
    ("unknown fact inside a shared macro",
     lambda r: edit(r, EN, '["sales_2001", "sales_2006", "sales_2007"], "Sales', '["sales_1999"], "Sales'),
     "templates/_shared/macros.md.j2:8", "unknown fact 'sales_1999'"),
    ("helper called with the wrong arguments",
     lambda r: edit(r, EN, '{{ chart(["sales_2001", "sales_2006", "sales_2007"], title="Sales of cluster firms") }}',
                    '{{ chart(["sales_2001", "sales_2006", "sales_2007"]) }}'),
     f"{EN}:11", "missing 1 required keyword-only argument: 'title'"),
    ("a template that is missing",
     lambda r: (r / KO).unlink(),
     "templates/brief/audience.toml:1", "no template for 'ko'"),
    ("Markdown that is not supported (a horizontal rule)",
     lambda r: edit(r, EN, "## Sales\n", "## Sales\n\n---\n"),
     f"{EN}:9", "horizontal rules are not supported"),
]


@pytest.mark.parametrize("breakage, location, words", [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_one_clear_message_naming_file_and_line(tmp_path, breakage, location, words):
    root = copy_mini(tmp_path)
    breakage(root)
    for command in (("build", "--format", "html"), ("check",)):
        result = wreport(root, *command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, (command, output)
        assert "Traceback" not in output
        # the glossary and wreport.toml are named by their full path, the other files relative to the project
        assert re.search(rf"(^|\s|/){re.escape(location)}[:)]?\s", output), (command, location, output)
        assert words in output, (command, words, output)
    assert not (root / "out").exists()


def test_build_errors_go_to_stderr_prefixed_with_error(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, EN, '{{ fact("export_share") }}', '{{ fact("export_shares") }}')
    result = wreport(root, "build")
    assert result.stdout == ""
    # (the progress display may leave a blank line before it)
    assert result.stderr.strip() == f"error: {EN}:17: unknown fact 'export_shares' (did you mean 'export_share'?)"


def test_debug_shows_the_traceback(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, EN, '{{ fact("export_share") }}', '{{ fact("export_shares") }}')
    result = wreport(root, "--debug", "build", "--format", "html")
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "TemplateError: templates/brief/en.md.j2:17: unknown fact 'export_shares'" in result.stderr


@pytest.mark.parametrize("breakage, words", [
    (lambda r: edit(r, EN, '{{ fact("export_share") }}', '{{ fact("no_such_fact") }}'), "unknown fact 'no_such_fact'"),
    (lambda r: edit(r, EN, "## Sales\n", "## Sales\n\nAncient script: \U00013000\n"), "no font has a glyph"),
], ids=["template error", "PDF writer error"])
def test_a_failed_build_leaves_previous_outputs_byte_identical_and_no_temp_files(tmp_path, breakage, words):
    root = copy_mini(tmp_path)
    assert wreport(root, "build").returncode == 0
    before = snapshot(root / "out")
    assert {f"brief/brief.{lang}.{fmt}" for lang in ("ko", "en") for fmt in ("html", "pdf", "docx")} <= set(before)
    breakage(root)
    result = wreport(root, "build")
    assert result.returncode == 1 and words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(root / "out") == before  # same names, same bytes: no temporary file left either


# ---------------------------------------------------------------- the sandbox
@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__",
    "cycler.__init__.__globals__.os",
    "self._TemplateReference__context",
    "lipsum.__globals__",
    "range.__subclasses__()",
    "joiner.__init__.__globals__['__builtins__']",
    "'{0.__class__.__base__}'.format(lang)",
    "lang|attr('__class__')",
    "fact.__self__.facts",
    "edition.__class__.__subclasses__()",
])
def test_sandbox_escapes_fail_with_a_template_error(tmp_path, expression):
    root = copy_mini(tmp_path)
    edit(root, EN, "## Sales\n", f"## Sales\n{{{{ {expression} }}}}\n")
    result = wreport(root, "build", "--format", "html")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"error: {EN}:8: ")
    assert "not allowed in a template" in result.stderr or "has no attribute" in result.stderr


# ---------------------------------------------------------------- the fence around WeasyPrint
@pytest.mark.parametrize("image", ["../outside.png", "{server}/pixel.png", "/etc/passwd"])
def test_markdown_images_other_than_charts_are_refused(tmp_path, loopback, image):
    (tmp_path / "outside.png").write_bytes(b"not for the brief")
    root = copy_mini(tmp_path)
    url = image.format(server=loopback.url)
    edit(root, EN, "## Sales\n", f"## Sales\n\n![secret]({url})\n")
    result = wreport(root, "build", "--format", "pdf")
    assert result.returncode == 1
    assert f"image '{url}' is not a chart" in result.stderr and f"{EN}:9:" in result.stderr
    assert loopback.requests == []
    assert not (root / "out").exists()


def test_html_links_and_css_in_a_template_stay_text_and_fetch_nothing(tmp_path, loopback):
    (tmp_path / "outside.css").write_text("body { color: red }")
    root = copy_mini(tmp_path)
    hostile = [
        '<img src="file:///etc/passwd">',
        f'<img src="{loopback.url}/pixel.png">',
        f'<style>@import url("{loopback.url}/import.css"); body {{ background: url("file:///etc/passwd") }}</style>',
        '<link rel="stylesheet" href="../outside.css">',
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
    ]
    links = f"[remote]({loopback.url}/link)"  # an http link is allowed, and no writer follows it
    edit(root, EN, "## Sales\n", "## Sales\n\n" + "\n\n".join(hostile) + f"\n\n{links}\n")
    result = wreport(root, "build", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert loopback.requests == []
    out = root / "out" / "brief"
    pdf = (out / "brief.en.pdf").read_bytes()
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    text = squashed(pdf_text(pdf))
    html = (out / "brief.en.html").read_text(encoding="utf-8")
    word = docx_text(out / "brief.en.docx")
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    for tag in hostile:
        assert squashed(tag) in text and tag in word
        assert tag.replace("<", "&lt;").replace(">", "&gt;") in html
    assert squashed(passwd) not in text and passwd not in html and passwd not in word
    for link in ("[local](file:///etc/passwd)", "[up](../outside.css)"):  # other targets: refused, before any writer
        edit(root, EN, links, f"{links} {link}")
        refused = wreport(root, "build", "--lang", "en")
        assert refused.returncode == 1 and "is not allowed" in refused.stderr and f"{EN}:" in refused.stderr
        edit(root, EN, f"{links} {link}", links)
    assert loopback.requests == []


def test_fetcher_refuses_file_parent_and_loopback_urls_in_html_and_css(tmp_path, loopback):
    """Below the templates: HTML handed to the PDF writer cannot reach out of its folders either."""
    from wreport.errors import WreportError
    from wreport.writers.pdf import html_to_pdf

    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.png").write_bytes(b"outside")
    html = (f'<html><head><style>p {{ background: url("../outside.png") }} '
            f'@import url("{loopback.url}/a.css");</style></head>'
            f'<body><p>x</p><img src="file:///etc/passwd"><img src="{loopback.url}/b.png"></body></html>')
    with pytest.raises(WreportError) as raised:
        html_to_pdf(html, project_dir=project, extra_css=[f'body {{ background: url("{loopback.url}/c.png") }}'])
    message = str(raised.value)
    for url in ("file:///etc/passwd", f"{loopback.url}/b.png", f"{loopback.url}/c.png", (tmp_path / "outside.png").as_uri()):
        assert url in message, url
    assert loopback.requests == []


# ---------------------------------------------------------------- hostile and extreme text
def test_markup_in_fact_labels_and_glossary_names_is_literal_text_everywhere(tmp_path):
    label = "<script>alert(1)</script> *not bold* _x_ [link](http://e.org) | # 1. `code`"
    name = "Wonju <b>City</b> **Hall** \\ [^1]"
    root = copy_mini(tmp_path)
    edit(root, FACTS, "en: area of the Donghwa medical-device complex", f"en: '{label}'")
    edit(root, "glossary/terms.csv", "wonju_city,원주시,Wonju City,", f'wonju_city,원주시,"{name}",')
    result = wreport(root, "build", "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = root / "out" / "brief"
    html = (out / "brief.en.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>City" not in html and "<strong>Hall" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *not bold* _x_ [link](http://e.org) | # 1. `code`" in html
    assert "Wonju &lt;b&gt;City&lt;/b&gt; **Hall** \\ [^1]" in html
    text = squashed(pdf_text((out / "brief.en.pdf").read_bytes()))
    word = docx_text(out / "brief.en.docx")
    for literal in (label, name):
        assert squashed(literal) in text and literal in word


def test_long_words_a_long_table_and_an_empty_section_still_render(tmp_path):
    long_en = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
    long_ko = "의료기기산업클러스터" * 20
    rows = ("{% for i in range(200) %}| {{ fact_label('sales_2001') }} {{ i + 1 }} | "
            "{{ fact('sales_2001', cite=False) }} |\n{% endfor %}")
    body = (f"# Long\n\n{long_en} {long_ko}\n\n## Empty section\n\n## Table\n\n"
            f"| Row | Sales |\n|:--|--:|\n{rows}\n## After\n\nThe end.\n")
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", body)
    result = wreport(root, "build", "--lang", "en", "--format", "pdf,docx")
    assert result.returncode == 0, result.stderr
    out = root / "out" / "brief"
    pdf = (out / "brief.en.pdf").read_bytes()
    text = squashed(pdf_text(pdf).replace("-\n", ""))  # English words are hyphenated at line ends
    for expected in (long_en, long_ko, "Emptysection", "salesofclusterfirms200KRW28.6billion", "Theend."):
        assert squashed(expected) in text, expected
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 3  # 200 rows do not fit on one page
    assert words_off_the_page(out / "brief.en.pdf") == []
    document = docx.Document(str(out / "brief.en.docx"))
    (table,) = document.tables
    assert len(table.rows) == 201
    assert table.rows[200].cells[0].text == "sales of cluster firms 200"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-3:] == ["Empty section", "Table", "After"]
    assert long_en in docx_text(out / "brief.en.docx")
