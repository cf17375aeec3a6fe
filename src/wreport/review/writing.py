"""Writing the review files: each audience's review model, with each segment's sign-off state,
laid out as HTML, DOCX or JSON, written atomically once every one of them has rendered.

The model (:mod:`wreport.review.model`) knows nothing of files; the writers
(:mod:`wreport.review.html`, :mod:`wreport.review.docx`) only lay it out; this module puts them
together for ``wreport review``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from wreport.build.editions import BUILT, Output
from wreport.data.facts import load_facts
from wreport.data.glossary import project_glossary
from wreport.errors import Location, RenderError
from wreport.inputs.boundary import refuse_inputs
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.render.templating import list_audiences
from wreport.review.docx import render_review_docx
from wreport.review.export import render_review_json
from wreport.review.html import render_review_html
from wreport.review.model import Review, prepare_review
from wreport.review.signoff import load_record, states

REVIEW_FORMATS = ("html", "docx", "json")
_RENDER: dict[str, Callable[[Review], bytes]] = {
    "html": lambda review: render_review_html(review).encode("utf-8"),
    "docx": render_review_docx,
    "json": lambda review: render_review_json(review).encode("utf-8"),
}


def review_paths(out_dir: Path, audience: str) -> dict[str, Path]:
    """Where the review files go: ``<out>/<audience>/<audience>.review.html``, ``.docx`` and ``.json``."""
    return {fmt: out_dir / audience / f"{audience}.review.{fmt}" for fmt in REVIEW_FORMATS}


def write_reviews(project: Project, audiences: list[str] | None = None, out_dir: Path | None = None,
                  progress: Callable[[Output], None] | None = None, formats: tuple[str, ...] = ("html", "docx"),
                  status: tuple[str, ...] = ()) -> list[Output]:
    """Make the review files of each audience (default: all) in ``formats``, then write them atomically.

    Each segment carries its sign-off state (signoff/<audience>.yaml); ``status`` (approved,
    changed, unapproved) keeps only the segments in one of those states. Nothing is written
    unless every review renders, as with ``build``; ``progress`` is told of each file as it is made.
    """
    glossary = project_glossary(project)
    facts = load_facts(project, glossary)
    out_dir = out_dir if out_dir is not None else project.out_dir
    refuse_inputs(project, out_dir, "--out")  # e.g. --out signoff: outputs never write into inputs
    made: list[tuple[Output, bytes]] = []
    for name in list(dict.fromkeys(audiences)) if audiences else list_audiences(project):
        start = time.perf_counter()
        review = prepare_review(project, name, facts, glossary)
        review.signoffs = states(review.pairs, load_record(project, name), facts, glossary)
        if status:
            review.pairs = [pair for pair in review.pairs if review.signoffs[pair.id].state in status]
        paths = review_paths(out_dir, name)
        for path in paths.values():
            refuse_inputs(project, path, "--out")
        for fmt in formats:
            data = _RENDER[fmt](review)
            output = Output(paths[fmt], name, "ko+en", f"review.{fmt}", len(data), None, BUILT,
                            time.perf_counter() - start)
            start = time.perf_counter()
            made.append((output, data))
            if progress is not None:
                progress(output)
    for output, data in made:
        try:
            output.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"cannot create the output folder: {exc.strerror}", Location.of(output.path.parent),
                              hint="choose another --out folder") from None
        write_atomic(output.path, data)
    return [output for output, _ in made]
