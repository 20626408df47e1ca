"""Text fields bounded in UTF-8 bytes as well as in characters.

A character count alone lets 20,000 emoji through as 80 KB: what the database,
the event log and every recipient's poll carry is bytes. Each field says both
limits; going past either is a 422 whose error names the field and the limit.
"""

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


def Text(max_chars: int, max_bytes: int, min_chars: int = 0, **field):  # noqa: N802 (a type)
    """str of min_chars..max_chars characters and at most max_bytes bytes of UTF-8."""
    limits = f"At most {max_chars} characters and {max_bytes} bytes of UTF-8."
    description = f"{field.pop('description')} {limits}" if "description" in field else limits
    return Annotated[
        str,
        Field(min_length=min_chars, max_length=max_chars, description=description, **field),
        at_most_bytes(max_bytes),
    ]
