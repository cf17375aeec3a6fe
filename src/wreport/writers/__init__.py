"""Writers: each turns a :class:`wreport.render.document.Document` into the bytes of one format.

Writers return bytes (or text) and never touch the file system for output; ``build.py`` writes
the results atomically, so a failed render can never leave a half-written file.
"""
