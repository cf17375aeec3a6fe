"""Hand-built document trees (Korean and English) for the writer and chart tests.

Built directly from wreport.render.document nodes, so the writers can be tested without the Markdown
parser or the templates; the figures are the sourced ones from seeds/sources (2016 Wonju
medical-device output and exports).
"""

from __future__ import annotations

from wreport.render.document import (
    BlockQuote,
    ChartSpec,
    Document,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    TableCell,
    Text,
)


def t(text: str, **style) -> Text:
    return Text(text, **style)


def cells(*texts: str, align: str | None = None) -> list[TableCell]:
    return [TableCell([Text(text)], align=align if i else None) for i, text in enumerate(texts)]


def export_chart(lang: str) -> ChartSpec:
    if lang == "ko":
        return ChartSpec(kind="bar", title="원주 의료기기 수출액 추이",
                         categories=["2013년", "2014년", "2015년", "2016년"],
                         series=[("수출", [3.1, 3.5, 3.9, 4.35])], unit_label="단위: 억 달러",
                         value_labels=[["3억 1,000만 달러", "3억 5,000만 달러",
                                        "3억 9,000만 달러", "4억 3,500만 달러"]])
    return ChartSpec(kind="bar", title="Wonju medical-device exports",
                     categories=["2013", "2014", "2015", "2016"],
                     series=[("Exports", [310, 350, 390, 435])], unit_label="USD million",
                     value_labels=[["USD 310 million", "USD 350 million", "USD 390 million",
                                    "USD 435 million"]])


KO_BODY = ("원주 의료기기산업은 2016년 기준으로 국내생산 6,098억 원, 수출 4억 3,500만 달러를 기록했으며 "
           "이는 전국 의료기기 수출의 14.9%에 달한다. 테크노밸리는 지자체, 대학, 유관기관과의 유기적 "
           "협력체계를 구축해 기업지원에 매진하고 있다. ")


def korean_document(paragraphs: int = 6) -> Document:
    """A Korean brief of a few pages with every block kind the writers handle."""
    blocks = [
        Heading(1, [t("개요")], anchor="overview"),
        Paragraph([t("원주의료기기테크노밸리", bold=True), t("는 1998년 창업보육 10개 기업으로 시작해 "
                   "2016년 "), t("수출", bold=True), t("이 4억 3,500만 달러에 이르렀다."), FootnoteRef(1)],
                  style="lead"),
        *[Paragraph([t(KO_BODY * 2)]) for _ in range(paragraphs)],
        Heading(2, [t("생산과 수출")]),
        Paragraph([t("국내 의료기기 수출에서 원주가 차지하는 비중은 14.9%에 달한다."), FootnoteRef(2),
                   t(" 영문 표기는 "), t("Wonju Medical Industry Techno Valley", lang="en"), t("이다.")]),
        Table(header=cells("구분", "2015년", "2016년", align="right"),
              rows=[cells("국내생산", "5,430억 원", "6,098억 원", align="right"),
                    cells("수출", "3억 9,000만 달러", "4억 3,500만 달러", align="right"),
                    cells("입주 기업", "75개", "80개", align="right")],
              caption=[t("원주 의료기기산업 생산과 수출")]),
        Figure(export_chart("ko"), caption=[t("원주 의료기기 수출액 추이(2013~2016년)")],
               alt="원주 의료기기 수출액은 2013년 3억 1,000만 달러에서 2016년 4억 3,500만 달러로 늘었다.",
               number=1),
        Heading(2, [t("미니클러스터")]),
        ListBlock(ordered=False, items=[[Paragraph([t("산·학·연·관 네트워크 구축")])],
                                        [Paragraph([t("기업체 담당제로 애로사항 해결")])]]),
        BlockQuote([Paragraph([t("미니클러스터 한 곳에 필요한 모든 인적 자원을 모은다.")])]),
        PageBreak(),
        Heading(1, [t("전망")]),
        Paragraph([t("첫째 줄"), LineBreak(), t("둘째 줄")], style="note"),
        *[Paragraph([t(KO_BODY)]) for _ in range(2)],
    ]
    return Document(
        lang="ko", title="원주 의료기기 클러스터와 미니클러스터", subtitle="정책 브리프",
        author="원주 정책연구팀", subject="원주 의료기기산업 현황", keywords=["원주", "의료기기", "클러스터"],
        date="2017-06-01", date_text="2017년 6월 1일", blocks=blocks,
        footnotes=[Footnote(1, [t("원주의료기기테크노밸리, 2017년 자료.")]),
                   Footnote(2, [t("2016년 기준, 전국 의료기기 수출 대비.")])],
    )


EN_BODY = ("In 2016 Wonju's medical-device industry produced KRW 609.8 billion domestically and exported "
           "USD 435 million, 14.9% of the country's medical-device exports. The techno valley works "
           "with the city, universities and support agencies to help its companies grow. ")


def english_document(paragraphs: int = 6) -> Document:
    """The English edition of :func:`korean_document`."""
    blocks = [
        Heading(1, [t("Overview")], anchor="overview"),
        Paragraph([t("The Wonju Medical Industry Techno Valley", bold=True),
                   t(" began in 1998 with 10 start-ups; by 2016 its exports reached USD 435 million."),
                   FootnoteRef(1)], style="lead"),
        *[Paragraph([t(EN_BODY * 2)]) for _ in range(paragraphs)],
        Heading(2, [t("Output and exports")]),
        Paragraph([t("Wonju's share of national medical-device exports is 14.9%."), FootnoteRef(2),
                   t(" Its Korean name is "), t("원주의료기기테크노밸리", lang="ko"), t(".")]),
        Table(header=cells("Item", "2015", "2016", align="right"),
              rows=[cells("Domestic output", "KRW 543 billion", "KRW 609.8 billion", align="right"),
                    cells("Exports", "USD 390 million", "USD 435 million", align="right"),
                    cells("Resident companies", "75", "80", align="right")],
              caption=[t("Wonju medical-device output and exports")]),
        Figure(export_chart("en"), caption=[t("Wonju medical-device exports, 2013–2016")],
               alt="Wonju's medical-device exports grew from USD 310 million in 2013 to USD 435 million in 2016.",
               number=1),
        Heading(2, [t("Mini-clusters")]),
        ListBlock(ordered=True, items=[[Paragraph([t("A network of industry, academia, research and government")])],
                                       [Paragraph([t("A named expert for each company")])]]),
        PageBreak(),
        Heading(1, [t("Outlook")]),
        *[Paragraph([t(EN_BODY)]) for _ in range(2)],
    ]
    return Document(
        lang="en", title="The Wonju Medical-Device Cluster and Korea's Mini-Clusters",
        subtitle="Policy brief", author="Wonju policy team", subject="Wonju medical-device industry",
        keywords=["Wonju", "medical devices", "cluster"], date="2017-06-01", date_text="June 1, 2017",
        blocks=blocks,
        footnotes=[Footnote(1, [t("Wonju Medical Industry Techno Valley, 2017.")]),
                   Footnote(2, [t("As of 2016, share of national medical-device exports.")])],
    )


def sample_document(lang: str = "ko") -> Document:
    """A short brief with every block kind: two footnotes (one holding a link), lists, a table, a chart."""
    ko = lang == "ko"

    def tr(korean: str, english: str) -> str:
        return korean if ko else english

    chart = ChartSpec(kind="bar", title=tr("원주 의료기기 수출액", "Wonju medical-device exports"),
                      categories=["2014", "2015", "2016"], series=[(tr("수출", "Exports"), [350.0, 390.0, 435.0])],
                      unit_label=tr("백만 달러", "USD million"))
    blocks = [
        Heading(1, [Text(tr("개요", "Overview"))], anchor="overview"),
        Paragraph([Text(tr("원주의료기기테크노밸리", "The techno valley"), bold=True),
                   Text(tr("는 1998년에 문을 열었다", " opened in 1998")), FootnoteRef(1), Text(". "),
                   Text(tr("강조", "stress"), italic=True), Text(" "), Text("wreport build", code=True), Text(" "),
                   Text(tr("원주시", "Wonju City"), link="https://www.wonju.go.kr"), Text(" "),
                   Text(tr("표 참조", "see the table"), link="#data")], style="lead"),
        Paragraph([Text(tr("수출은 4억 3,500만 달러였다", "Exports were USD 435 million")), FootnoteRef(2),
                   LineBreak(), Text(tr("둘째 줄", "second line"))]),
        ListBlock(False, [
            [Paragraph([Text(tr("첫째", "first"))])],
            [Paragraph([Text(tr("둘째", "second"))]), Paragraph([Text(tr("이어지는 문단", "continued"))]),
             ListBlock(True, [[Paragraph([Text(tr("하위 하나", "sub one"))])],
                              [Paragraph([Text(tr("하위 둘", "sub two"))])]])],
        ]),
        ListBlock(True, [[Paragraph([Text("A")])], [Paragraph([Text("B")])]], start=3),
        Heading(2, [Text(tr("자료", "Data"))], anchor="data"),
        Table([TableCell([Text(tr("연도", "Year"))]), TableCell([Text(tr("수출", "Exports"))], align="right")],
              [[TableCell([Text(year)]), TableCell([Text(value)], align="right")]
               for year, value in (("2015", "390"), ("2016", "435"))],
              caption=[Text(tr("연도별 수출", "Exports by year"))]),
        Figure(chart, [Text(tr("수출액 추이", "Exports over time"))], alt=tr("막대 그래프", "a bar chart")),
        BlockQuote([Paragraph([Text(tr("인용문", "A quotation"))])]),
        Heading(3, [Text(tr("세부", "Details"))]),
        Paragraph([Text(tr("출처: 원주시", "Source: Wonju City"))], style="source"),
        PageBreak(),
        Heading(1, [Text(tr("전망", "Outlook"))], anchor="outlook"),
    ]
    notes = [Footnote(1, [Text(tr("원주시, 2017년 자료.", "Wonju City, 2017."))]),
             Footnote(2, [Text(tr("산업통상자원부 ", "Ministry of Trade, ")), Text("motie.go.kr", link="https://www.motie.go.kr")])]
    return Document(lang=lang, title=tr("원주 의료기기 클러스터", "The Wonju Medical-Device Cluster"),
                    subtitle=tr("정책 브리프", "Policy brief"), author=tr("정책연구팀", "Policy team"),
                    subject=tr("원주 의료기기산업", "Wonju medical devices"), keywords=["Wonju", "cluster"],
                    date="2017-06-01", date_text=tr("2017년 6월 1일", "June 1, 2017"), blocks=blocks, footnotes=notes)
