"""A login's browser in words a person recognises ("Firefox on Linux"), read from the
User-Agent it signed in with by ua-parser (the uap-core patterns, kept up to date by
that project, rather than our own list). Only for telling one's own logins apart: a
User-Agent says whatever its sender wants, so nothing is decided on it."""

from ua_parser import parse

LONGEST_OTHER = 60


def browser_label(user_agent: str) -> str:
    """ "Chrome on Windows", "Safari", or for a client that is no browser its own words
    (a script's "python-httpx/0.27.0"), cut short; "Unknown browser" for none."""
    other = user_agent.strip()
    if not other:
        return "Unknown browser"
    parsed = parse(other)
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    return other if len(other) <= LONGEST_OTHER else other[: LONGEST_OTHER - 1] + "…"
