"""Timed cases: one piece of work done once at full size and timed against a target in seconds
(the spreadsheet import of a whole province), registered by the app that owns it. A case
leaves the database as it found it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    target_s: float
    # Given the scale's name, does the work and returns its measures, "seconds" among them.
    run: Callable[[str], dict[str, Any]]


CASES: list[Case] = []


def time_cases(scale: str) -> dict[str, dict[str, Any]]:
    results = {}
    for case in CASES:
        measured = case.run(scale)
        results[case.name] = {"what": case.what, "target_s": case.target_s, **measured}
    return results


def misses(cases: dict[str, dict[str, Any]]) -> list[str]:
    return [
        f"case {name}: {found['seconds']} s, target {found['target_s']} s"
        for name, found in cases.items()
        if found["seconds"] > found["target_s"]
    ]


def render(cases: dict[str, dict[str, Any]]) -> str:
    lines = ["Timed cases:"]
    for name, found in cases.items():
        details = ", ".join(
            f"{key} {value}"
            for key, value in found.items()
            if key not in {"what", "target_s", "seconds"} and not isinstance(value, dict)
        )
        lines.append(
            f"  {name}: {found['seconds']} s (target {found['target_s']} s) — {found['what']}"
            + (f" [{details}]" if details else "")
        )
    return "\n".join(lines)
