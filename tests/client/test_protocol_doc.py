"""docs/protocol.md describes exactly the scenarios of the conformance fixtures."""

import re
from pathlib import Path

from .test_protocol_conformance import load_fixtures

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
ROW = re.compile(r"^\| `(?P<name>[a-z0-9-]+)` \| (?P<summary>.+) \|$")


def scenario_rows() -> dict[str, str]:
    text = DOC.read_text()
    section = text.split("\n## Scenarios\n", 1)[1].split("\n## ", 1)[0]
    rows = (ROW.match(line) for line in section.splitlines())
    return {row["name"]: row["summary"] for row in rows if row}


def test_every_fixture_is_described_word_for_word_and_nothing_else():
    fixtures = {fixture["name"]: fixture["summary"] for fixture in load_fixtures()}
    assert fixtures, "the fixtures were found"
    assert scenario_rows() == fixtures


def test_the_doc_and_the_fixtures_are_the_same_version():
    (version,) = re.findall(
        r"^# Realtime client protocol, version (\d+)$", DOC.read_text(), flags=re.MULTILINE
    )
    assert {fixture["protocol_version"] for fixture in load_fixtures()} == {int(version)}
