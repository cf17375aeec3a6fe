"""Curation, the stage before load: import a source, list its figures, see what the facts cover.

Each step writes ordinary project files (a source text and its manifest entry, draft facts to
paste, a set-aside list) that the ordinary loaders then check; nothing here changes how a brief
is built. docs/curation.md describes the workflow.
"""
