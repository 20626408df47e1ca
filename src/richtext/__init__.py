"""Posts' Markdown with TeX maths, rendered to HTML that is safe to put in any page.

Framework-free, a pure function of the text: `markdown.render` parses and sanitises in
the calling process; the TeX goes to KaTeX in child processes (`katex_pool`), where a
formula that crashes, spins or eats memory is killed at its deadline and costs only
itself: it shows as its source.
"""
