"""bench/redis_ceiling.py at a tiny size: every measurement is written, every log
reader reads every event, and the ceiling is computed from the measurements."""

import json

import pytest

from bench import redis_ceiling

pytestmark = pytest.mark.timeout(60)


def test_the_redis_ceiling_bench_measures_and_computes_the_ceiling(tmp_path):
    results = tmp_path / "redis_ceiling.jsonl"
    redis_ceiling.main(
        [
            *("--seconds", "0.4", "--publishers", "2", "--readers", "2", "--rates", "200"),
            *("--clients", "200", "--log-maxlen", "1000", "--benchmark-calls", "2000"),
            *("--results", str(results)),
        ]
    )
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    by_measure = {}
    for line in lines:
        by_measure.setdefault(line["measure"], []).append(line)

    appends = by_measure["append"]
    assert [(line["mode"], line["publishers"]) for line in appends] == [
        ("one call per event", 1),
        ("one call per event", 2),
        ("pipelined", 1),
    ]
    for line in appends:
        assert line["events"] > 0 and line["redis_cpu_us_per_event"] > 0
        assert line["commands"]["evalsha"]["calls"] == line["events"]

    readers = by_measure["log_readers"]
    assert [line["rate"] for line in readers] == [0, 200]
    assert all(line["events_missed"] == 0 for line in readers)
    assert readers[1]["events"] == 80

    ops = {(line["op"], line.get("batch")) for line in by_measure["client_op"]}
    assert ops == {
        ("register", None),
        ("heartbeat", None),
        ("queue_lookup", 1),
        ("queue_lookup", 100),
        ("queue_renewal", 200),
        ("membership_load", 1),
        ("membership_load", 100),
    }

    (ceiling,) = by_measure["ceiling"]
    assert set(ceiling["by_rate"]) == {"0", "200"}
    assert all(line["load_average"] >= 0 for line in lines)
