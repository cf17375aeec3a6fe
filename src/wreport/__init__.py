"""wreport: bilingual policy briefs from a sourced fact set and a glossary.

The pipeline runs in one direction: load & validate (facts, glossary) -> render templates
(sandboxed Jinja, Markdown) -> document tree -> writers (HTML/PDF, DOCX). See docs/architecture.md.
"""

__version__ = "0.1.0"
