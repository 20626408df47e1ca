"""Operational log lines: one per event worth knowing, identifiers only.

Every line reads `event=<name> key=value ...` so it can be grepped and parsed
without a schema. Callers pass ids, counts and short reasons, never request
bodies, discussion contents, queue ids or tokens: those are private or are
capabilities, and a log is read by more people than the data it describes.
Services log as the last step of a change, inside its transaction: the line
only goes wrong if the commit itself then fails.
"""

import logging

# Named for the product, not this module: operators filter the API's and the relay's
# output on it, and it stays the same wherever the helper lives.
logger = logging.getLogger("marginalia.events")


def log_event(event: str, level: int = logging.INFO, **fields: int | str | None) -> None:
    if logger.isEnabledFor(level):
        pairs = "".join(f" {key}={value}" for key, value in fields.items())
        logger.log(level, "event=%s%s", event, pairs)
