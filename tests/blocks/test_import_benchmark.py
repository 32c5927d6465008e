"""The import's case of the benchmark: a province imported and imported again, every row
created once and then unchanged, and the database left as it was."""

from __future__ import annotations

from blocks.imports.bench import CASE, time_province_import
from emulation.benchmark.cases import CASES, misses, render
from tests.factories import registry_snapshot


def test_the_import_case_is_timed_and_leaves_nothing_behind(db: None) -> None:
    before = registry_snapshot()
    found = time_province_import("tiny")
    assert registry_snapshot() == before
    assert found["counts"]["problems"] == 0 and found["counts"]["created"] > 50
    assert found["reimport_counts"]["created"] == 0
    assert found["reimport_counts"]["unchanged"] == found["counts"]["created"]
    assert found["seconds"] > 0
    assert CASE in CASES


def test_a_case_over_its_target_is_a_miss() -> None:
    cases = {"import": {"what": "x", "target_s": 30.0, "seconds": 31.0}}
    assert misses(cases) == ["case import: 31.0 s, target 30.0 s"]
    assert misses({"import": {**cases["import"], "seconds": 3.0}}) == []
    assert "import: 31.0 s (target 30.0 s)" in render(cases)
