"""LibreOffice Writer, headless, accepting or rejecting every tracked change of a DOCX and saving
the result as DOCX: what a reader does with a redline in Writer (Edit > Track Changes > Accept All).

A small Basic macro in a throwaway user profile does it through the dispatcher
(``.uno:AcceptAllTrackedChanges`` / ``.uno:RejectAllTrackedChanges``), so no Python-UNO bridge
is needed. Skipped where LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Settle(inUrl As String, outUrl As String, how As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, load())
  helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  Dim none() As New com.sun.star.beans.PropertyValue
  helper.executeDispatch(doc.CurrentController.Frame, &quot;.uno:&quot; &amp; how &amp; &quot;AllTrackedChanges&quot;, &quot;&quot;, 0, none())
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = &quot;FilterName&quot;
  save(0).Value = &quot;MS Word 2007 XML&quot;
  doc.storeToURL(outUrl, save())
  doc.close(True)
End Sub
</script:module>
"""


class Writer:
    """A LibreOffice profile under ``home`` holding the Settle macro."""

    def __init__(self, home: Path):
        self.profile = home / "profile"
        self._run("--terminate_after_init")
        module = self.profile / "user/basic/Standard/Module1.xba"
        assert module.parent.is_dir(), "LibreOffice made no Basic library in its new profile"
        module.write_text(_MACRO, encoding="utf-8")

    def _run(self, *args: str) -> None:
        subprocess.run([str(SOFFICE), f"-env:UserInstallation={self.profile.as_uri()}", "--headless", *args],
                       capture_output=True, timeout=180, check=True)

    def settle(self, source: Path, how: str, target: Path) -> Path:
        """``source`` with every change accepted (``how`` = "Accept") or rejected ("Reject"), as ``target``."""
        self._run(f'macro:///Standard.Module1.Settle("{source.resolve().as_uri()}","{target.resolve().as_uri()}",'
                  f'"{how}")')
        assert target.is_file(), f"LibreOffice wrote no {target.name}"
        return target


def paragraphs(path: Path, part: str = "word/document.xml") -> list[str]:
    """The text of every paragraph of a part (body, table cells and notes in order), as Word keeps
    it; an empty paragraph is kept too (a paragraph whose text went but whose mark stayed)."""
    with zipfile.ZipFile(path) as package:
        if part not in package.namelist():
            return []
        root = etree.fromstring(package.read(part))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
