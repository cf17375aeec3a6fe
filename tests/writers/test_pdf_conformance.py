"""Every PDF the project makes, validated by veraPDF (issue 20): PDF/UA-1 and the PDF/A part it
declares, with 0 failed rules. The four briefs of the real project and the brief of `wreport
init`'s starter project, in one run of tools/verapdf/verapdf (veraPDF's validation library; the
first run installs it with tools/verapdf/install, docs/pdf.md).

Skips only when Java is absent (.ci/run installs default-jdk-headless and libjaxb-java).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from real_project import ROOT, copy_project, load

from wreport.build.editions import build
from wreport.scaffold.project import init_project

TOOL = ROOT / "tools" / "verapdf"
TIMEOUT = 600  # seconds: five PDFs, two profiles each, on a loaded two-core machine
needs_java = pytest.mark.skipif(shutil.which("java") is None or shutil.which("javac") is None,
                                reason="Java is not installed (Debian: default-jdk-headless libjaxb-java; .ci/run "
                                       "installs them), so veraPDF cannot run")
SUMMARY = re.compile(r"verapdf: (\S+) ua1 failed-rules (-?\d+), pdfa failed-rules (-?\d+)")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The four briefs' PDFs and the starter project's two."""
    root = copy_project(tmp_path_factory.mktemp("briefs"))
    project, _, _ = load(root)
    made = [o.path for o in build(project, formats=["pdf"], out_dir=root / "out")]
    starter = init_project(tmp_path_factory.mktemp("starter") / "new", "Another cluster")
    project, _, _ = load(starter)
    made += [o.path for o in build(project, formats=["pdf"], out_dir=starter / "out")]
    return made


@pytest.fixture(scope="module")
def verdicts(pdfs: list[Path]) -> tuple[dict[str, tuple[int, int]], str]:
    """{file name: (PDF/UA-1 failed rules, PDF/A failed rules)} and veraPDF's details."""
    installed = subprocess.run([str(TOOL / "install")], capture_output=True, text=True, timeout=TIMEOUT, check=False,
                               env={**os.environ, "PYTHON": sys.executable})
    assert installed.returncode == 0, installed.stderr
    result = subprocess.run([str(TOOL / "verapdf"), *map(str, pdfs)], capture_output=True, text=True,
                            timeout=TIMEOUT, check=False)
    found = {Path(path).name: (int(ua), int(pdfa)) for path, ua, pdfa in SUMMARY.findall(result.stdout)}
    assert result.returncode in (0, 1) and len(found) == len(pdfs), result.stdout + result.stderr
    return found, result.stderr


@needs_java
def test_every_pdf_passes_pdf_ua_1_and_its_pdf_a_part_in_verapdf(pdfs, verdicts) -> None:
    found, details = verdicts
    assert sorted(found) == sorted(["policy-brief.ko.pdf", "policy-brief.en.pdf", "partner-brief.ko.pdf",
                                    "partner-brief.en.pdf", "brief.ko.pdf", "brief.en.pdf"])
    for name, (ua, pdfa) in found.items():
        assert pdfa != -1, f"{name} declares no PDF/A part"
        assert (ua, pdfa) == (0, 0), f"{name}: PDF/UA-1 {ua}, PDF/A {pdfa} failed rules\n{details}"
    assert details.count("profile 3a (") == len(pdfs)  # each was held to the PDF/A-3a it declares
