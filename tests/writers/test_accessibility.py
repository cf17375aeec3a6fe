"""axe-core in Chromium on every standalone HTML brief and the review page (issue 20): 0 violations
of the WCAG 2.x A/AA and best-practice rules. axe-core comes from npm (tools/axe/install, pinned in
tools/axe/package-lock.json); Chromium is the system's, driven by Playwright.

Skips when Chromium, Playwright or npm is absent (.ci/run installs them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from real_project import ROOT, copy_project, load

from wreport.build.editions import build
from wreport.review.writing import write_reviews

TOOL = ROOT / "tools" / "axe"
CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
pytestmark = pytest.mark.skipif(CHROMIUM is None or shutil.which("npm") is None,
                                reason="needs Chromium and npm (.ci/run installs chromium and npm)")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The four briefs' standalone HTML and the two review pages."""
    root = copy_project(tmp_path_factory.mktemp("axe"))
    project, _, _ = load(root)
    made = [o.path for o in build(project, formats=["html"], out_dir=root / "out")]
    made += [o.path for o in write_reviews(project, None, root / "out") if o.path.suffix == ".html"]
    return made


@pytest.fixture(scope="module")
def violations(pages: list[Path]) -> dict[str, list[dict]]:
    """{page name: axe-core's violations}, each page loaded in Chromium as a recipient opens it."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install -e '.[test]')")
    installed = subprocess.run([str(TOOL / "install")], capture_output=True, text=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stderr
    found = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            for path in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(path.as_uri(), wait_until="load")
                page.add_script_tag(path=str(TOOL / "node_modules" / "axe-core" / "axe.min.js"))
                result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
                found[path.name] = [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
                                    for v in result["violations"]]
                page.close()
        finally:
            browser.close()
    return found


def test_axe_core_finds_no_violation_on_any_page(pages, violations) -> None:
    assert sorted(violations) == sorted(path.name for path in pages) and len(pages) == 6
    assert {name: found for name, found in violations.items() if found} == {}, json.dumps(violations, indent=1,
                                                                                          ensure_ascii=False)
