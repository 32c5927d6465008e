"""The results: a readable table, the JSON, and which targets were missed.

Targets (DESIGN.md §9), as ratios to a trivial signed-in page (the baseline) timed in the same
run, because the machine is shared, and the same at both scales:

- each page's **in-process time** (the median of its requests in each round over all pages,
  the lowest of those medians over the rounds) at most 6 times the baseline's;
- the pages that show what never changes once published, and are cached (`Page.published`: the
  published ranking, a closed ballot's results, a closed council session, the public results of
  a published decision), at most twice the baseline's;
- each issued PDF within a second (the median of a few issues, the machine being noisy);
- storms lose nothing, double nothing and fail no request, and leave the audit chain intact;
- given the other scale's JSON (`--compare`), the same queries per page at both scales.

The p50 and p95 over HTTP against gunicorn are reported beside the in-process times, as
information: they follow the machine's load more than the pages.
"""

from __future__ import annotations

from typing import Any

PAGE_RATIO = 6.0
PUBLISHED_RATIO = 2.0
PDF_TARGET_MS = 1000.0


def target_ratio(published: bool) -> float:
    return PUBLISHED_RATIO if published else PAGE_RATIO


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return round(value / baseline, 2)


def misses(result: dict[str, Any], other: dict[str, Any] | None = None) -> list[str]:
    found = []
    for name, page in result["pages"].items():
        if page.get("errors"):
            found.append(f"{name}: {page['errors']} failed requests")
        measured, limit = page.get("ratio_to_baseline"), page.get("target_ratio")
        if limit is not None and measured is not None and measured > limit:
            what = " (published, cached)" if page.get("published") else ""
            found.append(
                f"{name}{what}: {page['in_process_ms']:.1f} ms in-process, {measured}× the "
                f"baseline's (target ≤ {limit:g}×)"
            )
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
        if scenario.get("target_met") is False:
            found.append(f"{name}: {scenario.get('note') or 'target missed'}")
    return found


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render(result: dict[str, Any]) -> str:
    """The results as plain-text tables."""
    settings = result["settings"]
    lines = [
        f"Scale: {result['scale']} ({_describe(result['data'])})",
        f"Run: {settings['describe']}",
        "",
        f"{'page':<22} {'as':<12} {'queries':>7} {'sql ms':>7} {'in-proc':>8} {'×base':>6} "
        f"{'target':>6} {'p50 ms':>8} {'p95 ms':>8}  note",
    ]
    for name, page in result["pages"].items():
        measured, limit = page.get("ratio_to_baseline"), page.get("target_ratio")
        note = ""
        if page.get("errors"):
            note = f"{page['errors']} FAILED"
        elif limit is not None and measured is not None:
            note = "ok" if measured <= limit else f"MISS (> {limit:g}×)"
        target = "–" if limit is None else f"{limit:g}×"
        lines.append(
            f"{name:<22} {page['role']:<12} {page['queries']:>7} {_ms(page.get('sql_ms')):>7} "
            f"{_ms(page.get('in_process_ms')):>8} {_times(measured):>6} {target:>6} "
            f"{_ms(page['p50_ms']):>8} {_ms(page['p95_ms']):>8}  {note}"
        )
    lines.append(
        f"(in-proc: the median of {settings['in_process_requests']} requests made in-process "
        f"with the test client in each of {settings['rounds']} rounds, the lowest; ×base: that "
        f"over the baseline's, against the target ({PUBLISHED_RATIO:g}× for published pages, "
        "which are cached); "
        "queries and sql ms: one request, sql ms the database's share of it; p50 and p95: over "
        "HTTP, for information)"
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
