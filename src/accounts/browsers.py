"""A login's browser in words a person recognises ("Firefox on Linux"), read from the
User-Agent it signed in with. Only for telling one's own logins apart: a User-Agent
says whatever its sender wants, so nothing is decided on it."""

import re

# First match wins: Edge and Opera also say Chrome, Chrome also says Safari.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chromium", re.compile(r"\bChromium/")),
    ("Chrome", re.compile(r"\b(?:HeadlessChrome|Chrome|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
)
# Android and iOS before Linux and macOS, which their User-Agents also name.
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPad|iPod)\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)
LONGEST_OTHER = 60


def _first(known, user_agent: str) -> str | None:
    return next((name for name, pattern in known if pattern.search(user_agent)), None)


def browser_label(user_agent: str) -> str:
    """"Chrome on Windows", "Safari", or for a client that is no browser its own words
    (a script's "python-httpx/0.27.0"), cut short; "Unknown browser" for none."""
    browser, system = _first(_BROWSERS, user_agent), _first(_SYSTEMS, user_agent)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    other = user_agent.strip()
    if not other:
        return "Unknown browser"
    return other if len(other) <= LONGEST_OTHER else other[:LONGEST_OTHER - 1] + "…"
