"""The results: a readable table, the JSON, and which targets were missed.

Targets (DESIGN.md §9, issue 8), as ratios because the machine is shared: every page's p95 at
most 5 times the baseline's at province scale and 10 times at country scale; each issued PDF
within a second (the median of a few issues, the machine being noisy); storms lose nothing and
double nothing; and, given the other scale's JSON (`--compare`), the same queries per page at
both scales.
"""

from __future__ import annotations

from typing import Any

TARGET_RATIO = {"province": 5.0, "country": 10.0}
PDF_TARGET_MS = 1000.0


def ratio(p95: float | None, baseline: float | None) -> float | None:
    if p95 is None or not baseline:
        return None
    return round(p95 / baseline, 2)


def misses(result: dict[str, Any], other: dict[str, Any] | None = None) -> list[str]:
    found = []
    limit = TARGET_RATIO.get(result["scale"])
    for name, page in result["pages"].items():
        if page.get("errors"):
            found.append(f"{name}: {page['errors']} failed requests")
        measured = page.get("ratio_p95_to_baseline")
        if limit is not None and measured is not None and measured > limit:
            found.append(f"{name}: p95 is {measured}× the baseline's (target ≤ {limit:g}×)")
        if other and name in other.get("pages", {}):
            theirs = other["pages"][name].get("queries")
            if theirs is not None and theirs != page["queries"]:
                found.append(
                    f"{name}: {page['queries']} queries here, {theirs} at {other['scale']} scale"
                )
    for name, pdf in result["pdfs"].items():
        typical = pdf.get("median_ms")
        if typical is not None and typical > PDF_TARGET_MS:
            found.append(
                f"{name} PDF: issued in {typical:.0f} ms (target ≤ {PDF_TARGET_MS:.0f} ms)"
            )
    for name, scenario in result["scenarios"].items():
        for key in ("errors", "lost", "duplicates"):
            if scenario.get(key):
                found.append(f"{name}: {scenario[key]} {key}")
        if scenario.get("audit_chain_intact") is False:
            found.append(f"{name}: the audit chain is broken")
    return found


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def render(result: dict[str, Any]) -> str:
    """The results as plain-text tables."""
    lines = [
        f"Scale: {result['scale']} ({_describe(result['data'])})",
        f"Run: {result['settings']['describe']}",
        "",
        f"{'page':<22} {'as':<12} {'p50 ms':>8} {'p95 ms':>8} {'×base':>6} {'queries':>7} "
        f"{'sql ms':>7} {'1 req':>7}  note",
    ]
    limit = TARGET_RATIO.get(result["scale"])
    for name, page in result["pages"].items():
        measured = page.get("ratio_p95_to_baseline")
        note = ""
        if page.get("errors"):
            note = f"{page['errors']} FAILED"
        elif limit is not None and measured is not None:
            note = "ok" if measured <= limit else f"MISS (> {limit:g}×)"
        lines.append(
            f"{name:<22} {page['role']:<12} {_ms(page['p50_ms']):>8} {_ms(page['p95_ms']):>8} "
            f"{'–' if measured is None else f'{measured:.2f}':>6} {page['queries']:>7} "
            f"{_ms(page.get('sql_ms')):>7} {_ms(page.get('in_process_ms')):>7}  {note}"
        )
    lines.append(
        "(queries, sql ms and 1 req: one request made in-process with the test client; "
        "sql ms is the database's share of it)"
    )
    lines.append("")
    for pdf in result["pdfs"].values():
        runs = ", ".join(f"{ms:.0f}" for ms in pdf["issue_ms"])
        lines.append(
            f"{pdf['what'][:1].upper()}{pdf['what'][1:]}: median {_ms(pdf['median_ms'])} ms "
            f"(target ≤ {PDF_TARGET_MS:.0f}); each run: {runs} ms"
        )
    lines += [
        "",
        f"{'scenario':<24} {'per s':>7} {'errors':>6} {'lost':>5} {'dup':>4} {'units':>6} "
        f"{'reqs':>5} {'secs':>6} {'p95 ms':>8}  note",
    ]
    for name, s in result["scenarios"].items():
        if s.get("status"):
            lines.append(f"{name:<24} {s['status']}")
            continue
        note = s.get("note", "")
        lines.append(
            f"{name:<24} {s['throughput_per_s'] or 0:>7.2f} {s['errors']:>6} {s['lost']:>5} "
            f"{s['duplicates']:>4} {s['units']:>6} {s['requests']:>5} {s['seconds']:>6.1f} "
            f"{_ms(s['p95_ms']):>8}  {note}"
        )
    found = result["targets"]["misses"]
    lines.append("")
    lines.append("All targets met." if not found else "Missed targets:")
    lines += [f"  - {miss}" for miss in found]
    return "\n".join(lines)


def _describe(data: dict[str, Any]) -> str:
    rows = data["rows"]
    text = (
        f"{rows.get('blocks_block', 0)} blocks, {rows.get('blocks_unit', 0)} units, "
        f"{rows.get('blocks_blockyear', 0)} block years, {rows.get('emulation_user', 0)} people"
    )
    generation = data.get("generation")
    if generation:
        text += f"; generated in {generation['seconds']} s"
    else:
        text += "; data reused"
    return text
