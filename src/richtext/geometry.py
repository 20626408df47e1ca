r"""How far a formula's MathML can move anything outside its own box.

Each length KaTeX writes is capped on its own (its `maxSize`, and the sanitiser's cap on
every length), but lengths add up: twelve nested `\raisebox{10em}` lift their content
120em, forty `\kern-10em` move it 400em left, and no CSS of the page that shows the
HTML is needed for that. So the displacements of one formula are added up, and a
formula whose total passes `MAX_DISPLACEMENT_EM` is not shown as MathML at all.

What counts: every vertical offset (`voffset`), every left space (`lspace`), every
negative width, height or depth (a box drawn smaller than its content lets the
content spill), and, for a box of zero width or height with content (`\llap`,
`\rlap`, `\smash`, `\mathclap`), the most its content can spill: an estimate of the
content's size from its characters and explicit sizes, each character an em at
most (at its `mathsize`).
"""

import re
from html.parser import HTMLParser

# The largest size, in em, KaTeX gives \rule, \kern and the like (its maxSize; the
# sanitiser also drops any single length past it).
MAX_SIZE_EM = 10
# A formula moves nothing further than a single \kern or \raisebox could.
MAX_DISPLACEMENT_EM = float(MAX_SIZE_EM)

_LENGTH = re.compile(
    r"\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))\s*"
    r"(?P<unit>em|ex|pt|px|mu|%|width|height|depth)?\s*"
)
_EM_PER_UNIT = {"em": 1.0, "ex": 0.5, "pt": 0.1, "px": 1 / 16, "mu": 1 / 18, None: 1.0}
_RELATIVE_UNITS = {"width", "height", "depth", "%"}
_SIZES = ("width", "height", "depth")
_VOID = {"mspace", "none", "mprescripts", "malignmark"}


def _em(value: str) -> tuple[float, bool] | None:
    """(the length in em, whether it is relative to the content), or None if unreadable."""
    length = _LENGTH.fullmatch(value)
    if length is None:
        return None
    number, unit = float(length["number"]), length["unit"]
    if unit in _RELATIVE_UNITS:
        return (number / 100 if unit == "%" else number), True
    return number * _EM_PER_UNIT[unit], False


class _Box:
    """An open element: its own displacement so far and its content's estimated size."""

    __slots__ = ("tag", "attributes", "scale", "content_em")

    def __init__(self, tag: str, attributes: dict[str, str], scale: float):
        self.tag = tag
        self.attributes = attributes
        self.scale = scale
        self.content_em = 0.0


class _Displacement(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.total_em = 0.0
        self.unreadable = False
        self._open: list[_Box] = []

    def _scale(self) -> float:
        return self._open[-1].scale if self._open else 1.0

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        scale = self._scale()
        if "mathsize" in attributes:
            size = _em(attributes["mathsize"])
            if size is None:
                self.unreadable = True
            else:
                scale *= abs(size[0])
        box = _Box(tag, attributes, scale)
        self._count_own(box)
        if tag in _VOID:
            self._close(box)
        else:
            self._open.append(box)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self._open:
            self._close(self._open.pop())

    def handle_endtag(self, tag):
        while self._open:
            box = self._open.pop()
            self._close(box)
            if box.tag == tag:
                break

    def handle_data(self, data):
        if self._open and self._open[-1].tag != "annotation":
            self._open[-1].content_em += len(data.strip()) * self._scale()

    def _count_own(self, box: _Box) -> None:
        for name in ("voffset", "lspace", *_SIZES):
            if name not in box.attributes:
                continue
            length = _em(box.attributes[name])
            if length is None:
                self.unreadable = True
                continue
            em, relative = length
            if relative:
                continue  # counted on closing, against the content's size
            if name in ("voffset", "lspace") or em < 0:
                self.total_em += abs(em) * box.scale
            elif box.tag == "mspace":  # a rule or a space: as large as its largest side
                box.content_em = max(box.content_em, em * box.scale)

    def _close(self, box: _Box) -> None:
        spill = 0.0
        for name in ("lspace", *_SIZES):
            length = _em(box.attributes.get(name, "")) if name in box.attributes else None
            if length is None:
                continue
            em, relative = length
            if relative and (name == "lspace" or em < 1):
                # \llap moves its content left by the content's width; a box a fraction of
                # its content's size lets the rest of it spill
                spill = max(spill, box.content_em * (abs(em) if name == "lspace" else 1 - em))
            elif not relative and name in _SIZES and em <= 0 and box.tag == "mpadded":
                spill = max(spill, box.content_em)  # \rlap, \smash: the content spills whole
        self.total_em += spill
        if self._open:
            self._open[-1].content_em += box.content_em


def displacement_em(mathml: str) -> float:
    """The most, in em, that `mathml` can move anything outside its box (infinite when
    a length cannot be read: such a formula is not shown)."""
    parser = _Displacement()
    parser.feed(mathml)
    parser.close()
    return float("inf") if parser.unreadable else parser.total_em


def within_bounds(mathml: str) -> bool:
    return displacement_em(mathml) <= MAX_DISPLACEMENT_EM
