"""Text fields bounded in UTF-8 bytes as well as in characters.

A character count alone lets 20,000 emoji through as 80 KB: what the database,
the event log and every recipient's poll carry is bytes. Each field says both
limits; going past either is a 422 whose error names the field and the limit.
A required field (at least one character) also needs one that can be seen: spaces,
zero-width and other invisible characters alone are refused the same way.
"""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError


def utf8_size(value: str) -> int:
    return len(value.encode("utf-8"))


def at_most_bytes(max_bytes: int) -> AfterValidator:
    """A validator for any value whose text form is stored (str, URL, email)."""

    def check(value):
        size = utf8_size(str(value))
        if size > max_bytes:
            raise PydanticCustomError(
                "string_too_many_bytes",
                "String should have at most {max_bytes} bytes in UTF-8, not {size}",
                {"max_bytes": max_bytes, "size": size},
            )
        return value

    return AfterValidator(check)


# Categories of characters nothing is seen of: controls, format characters (zero-width
# space and joiners, the byte-order mark), and space and line separators.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Letters and symbols drawn as blanks (Hangul fillers, the blank Braille pattern).
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_character(value: str) -> bool:
    return any(
        ch not in _BLANK_GLYPHS and unicodedata.category(ch) not in _UNSEEN_CATEGORIES
        for ch in value
    )


def _something_to_see(value: str) -> str:
    if not has_visible_character(value):
        raise PydanticCustomError("string_blank", "String should contain a visible character")
    return value


def Text(max_chars: int, max_bytes: int, min_chars: int = 0, **field):  # noqa: N802 (a type)
    """str of min_chars..max_chars characters and at most max_bytes bytes of UTF-8; with
    min_chars, at least one of them visible."""
    limits = f"At most {max_chars} characters and {max_bytes} bytes of UTF-8."
    description = f"{field.pop('description')} {limits}" if "description" in field else limits
    checks = [at_most_bytes(max_bytes)]
    if min_chars:
        checks.append(AfterValidator(_something_to_see))
    return Annotated[
        str,
        Field(min_length=min_chars, max_length=max_chars, description=description, **field),
        *checks,
    ]
