"""The fixture project (tests/fixtures/mini) released as ``r1``, then edited as a writer would:
the edits every releases test compares against, written by hand here once.

After ``r1``:
- both editions: the sales of 2006 revised (153.6 to 153.7 billion won: a table cell, the
  overview paragraph and the growth rate change in both), a paragraph added under the sales
  heading, the closing quote removed, and the 2007 row of the sales table removed;
- English only: "national" becomes "Korea's" in the exports item (a change with no Korean
  counterpart: ``ChangeParity`` at en.md.j2:19 against ko.md.j2:19).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from mini_project import copy_mini
from project_edits import EN, FACTS, KO, edit

from wreport.inputs.project import load_project
from wreport.releases.writing import make_release

RELEASED = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.timezone.utc)


def released_mini(tmp_path: Path) -> Path:
    """A copy of the mini project with release r1 recorded (HTML outputs only: fast)."""
    root = copy_mini(tmp_path)
    edit(root, "templates/brief/audience.toml", 'formats = ["html", "pdf", "docx"]', 'formats = ["html"]')
    make_release(load_project(root), "r1", now=RELEASED)
    return root


def edit_after_release(root: Path) -> None:
    """The edits listed above."""
    edit(root, FACTS, 'value: "153_600_000_000"', 'value: "153_700_000_000"')
    edit(root, FACTS, 'value: "437.1"', 'value: "437.4"')  # the growth 2001-2006, derived from it
    edit(root, EN, "## Sales\n", "## Sales\n\nFigures are in current won.\n")
    edit(root, KO, "## 매출\n", "## 매출\n\n금액은 경상 원화 기준이다.\n")
    edit(root, EN, '> The {{ term("mini_cluster", "plural") }} are run by {{ term("kicox") }}; '
                   '{{ term("kicox") }} reports yearly.{{ own() }}\n\n', "")
    edit(root, KO, '> {{ term("kicox") }}과 {{ term("kicox", "abbr") }}가 운영하는 {{ term("mini_cluster") }} 사업.'
                   '{{ own() }}\n\n', "")
    for template in (EN, KO):
        edit(root, template, 'm.sales_table(["sales_2001", "sales_2006", "sales_2007"]',
             'm.sales_table(["sales_2001", "sales_2006"]')
    edit(root, EN, "Share of national medical-device exports", "Share of Korea's medical-device exports")
