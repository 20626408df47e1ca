"""Posts written to hurt a Markdown and TeX renderer, each within a post's 20,000
characters: tests/api/test_hostile_rendering.py posts them, bench/rendering.py measures
each place KaTeX could run with them."""

# Each fits a post's 20,000 characters.
CORPUS = {
    "macro bomb": r"$\def\a{" + "x" * 3000 + "}" + r"\a" * 1000 + "$",
    "doubling macros": r"$\def\a{xxxxxxxxxx}\def\b{\a\a\a\a\a\a\a\a\a\a}"
    r"\def\c{\b\b\b\b\b\b\b\b\b\b}\def\d{\c\c\c\c\c\c\c\c\c\c}\d\d\d$",
    "newcommand recursion": r"$\newcommand{\r}{\r\r}\r$",
    "newcommand doubling": r"$\newcommand{\f}[1]{#1#1}" + r"\f{" * 24 + "x" + "}" * 24 + "$",
    "2,000 nested fractions": "$" + r"\frac{" * 2000 + "x" + "}y" * 2000 + "$",
    "huge rule": r"$\rule{100000em}{100000em}$ and $\rule[-10em]{10em}{10em}$",
    "run of kerns": "$" + r"\kern{-10em}" * 40 + "x$",
    "nested raiseboxes": "$" + r"\raisebox{10em}{" * 12 + "x" + "}" * 12 + "$",
    "llap of a long text": r"$\llap{\text{" + "w" * 400 + "}}$",
    "5,000 formulas": " ".join(f"${n % 10}$" for n in range(5000)),
    "5,000 broken formulas": " ".join(r"$\frac{$" for _ in range(5000))[:20000],
    "deep quotes": ">" * 5000 + " x",
    "deep lists": "".join("  " * n + "- x\n" for n in range(120)),
    "deep emphasis": "*" * 5000 + "x" + "*" * 5000,
    "deep brackets": "[" * 9000 + "x" + "]" * 9000,
}
