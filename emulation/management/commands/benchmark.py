"""`manage.py benchmark`: generate province- or country-scale data into the configured database,
time the pages in-process and over real HTTP against gunicorn, count their queries, issue the
PDFs, run the storms, and report against the targets (see emulation.benchmark and
docs/performance.md). The data, pages, PDFs and storms are the apps' own, registered in their
AppConfig.ready()."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from emulation.benchmark import cases, documents, report
from emulation.benchmark.data import (
    PUBLIC_SCALES,
    SCALES,
    BenchmarkError,
    Cast,
    Generator,
    benchmark_scale,
    table_counts,
    wipe,
)
from emulation.benchmark.load import HttpClient, close_sessions, hammer, open_session, percentile
from emulation.benchmark.lockhold import AuditLockMeter
from emulation.benchmark.pages import (
    ANONYMOUS,
    BASELINE,
    PAGES,
    InProcess,
    count_queries,
    time_in_process,
)
from emulation.benchmark.pdf import PDFS, time_pdf
from emulation.benchmark.scenarios import (
    STORMS,
    HttpTransport,
    InProcessTransport,
    Transport,
)
from emulation.benchmark.server import WORK_DIR, collect_static, cores, gunicorn


class Command(BaseCommand):
    help = (
        "Benchmark the site at province or country scale: generated data, pages timed "
        "in-process and over HTTP against gunicorn, queries per page, issued PDFs, signing and "
        "voting storms and the self-assessment rush. Needs a "
        "database of its own (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/emulation_bench)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # "tiny" is accepted too, for the test; it is not offered.
        parser.add_argument("--scale", default="province", help="province or country")
        parser.add_argument("--requests", type=int, default=100, help="requests per page")
        parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
        parser.add_argument(
            "--rounds",
            type=int,
            default=5,
            help="the requests are made in rounds over all pages, so that every page (the "
            "baseline too) meets the same background load; in-process, each page's time is the "
            "lowest of its medians over the rounds",
        )
        parser.add_argument(
            "--in-process-requests",
            type=int,
            default=10,
            help="requests per page and round made in-process (their median counts)",
        )
        parser.add_argument(
            "--workers", type=int, default=cores(), help="gunicorn workers (default: cores)"
        )
        parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
        parser.add_argument(
            "--compare", metavar="PATH", help="JSON of the other scale: queries must match"
        )
        parser.add_argument("--keep-data", action="store_true", help="leave the data in place")
        parser.add_argument(
            "--reuse-data",
            action="store_true",
            help="use the data a run with --keep-data left (and keep it)",
        )
        parser.add_argument(
            "--no-http",
            action="store_true",
            help="no gunicorn: pages timed in-process only, storms in-process one after another",
        )
        parser.add_argument("--no-storms", action="store_true", help="pages only")
        parser.add_argument(
            "--storms",
            metavar="NAME,...",
            help="run only these storms (default: all): "
            + ", ".join(storm.name for storm in STORMS),
        )
        parser.add_argument(
            "--pdf-repeats",
            type=int,
            default=5,
            help="times each PDF is issued (rolled back)",
        )
        parser.add_argument(
            "--decision-awardees",
            type=int,
            default=300,
            help="issue a decision for this many awardees, its certificates rendered by "
            "--render-workers background workers (0: skip; needs a committed database)",
        )
        parser.add_argument(
            "--render-workers",
            type=int,
            default=cores(),
            help="db_worker processes rendering the decision's certificates (default: cores)",
        )
        parser.add_argument(
            "--cases-only",
            action="store_true",
            help="only the timed cases (the spreadsheet import of a province); no generated data",
        )
        parser.add_argument(
            "--fail-on-miss", action="store_true", help="exit with an error when a target is missed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["scale"]
        if name not in SCALES:
            raise CommandError(f"--scale must be one of {', '.join(PUBLIC_SCALES)}.")
        counts = ("requests", "clients", "rounds", "in_process_requests")
        if any(options[count] < 1 for count in counts):
            raise CommandError(
                "--requests, --clients, --rounds and --in-process-requests must be at least 1."
            )
        unknown = set((options.get("storms") or "").split(",")) - {"", *(s.name for s in STORMS)}
        if unknown:
            raise CommandError(f"Unknown storm: {', '.join(sorted(unknown))}.")
        other = json.loads(Path(options["compare"]).read_text()) if options["compare"] else None
        if options["cases_only"]:
            timed = cases.time_cases(name)
            result = {"scale": name, "cases": timed, "targets": {"misses": cases.misses(timed)}}
        else:
            try:
                result = self.run(name, options)
            except BenchmarkError as error:
                raise CommandError(str(error)) from error
            result["targets"]["misses"] = report.misses(result, other) + cases.misses(
                result["cases"]
            )
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=2, ensure_ascii=False))
        self.stdout.write("")
        if not options["cases_only"]:
            self.stdout.write(report.render(result))
        self.stdout.write(cases.render(result["cases"]))
        if options["fail_on_miss"] and result["targets"]["misses"]:
            raise CommandError("Targets missed.")

    def run(self, name: str, options: dict[str, Any]) -> dict[str, Any]:
        scale = SCALES[name]
        generation = None
        if options["reuse_data"]:
            found = benchmark_scale()
            if found != name:
                raise BenchmarkError(
                    f"No {name}-scale benchmark data here (found: {found or 'none'}); "
                    "run once with --keep-data first."
                )
            self.stdout.write(f"Reusing the {name}-scale data.")
        else:
            wipe()
            generation = Generator(scale, log=self.stdout.write).run()
            self.stdout.write(f"Generated {generation.rows} rows in {generation.seconds:.1f} s.")
        load_before = os.getloadavg()
        cast = Cast.find(name)
        sessions = {role: open_session(user) for role, user in cast.users.items()}
        try:
            queries = {
                page.name: count_queries(page, cast, sessions.get(page.role)) for page in PAGES
            }
            rounds = options["rounds"]
            self.stdout.write(
                f"Pages in-process, {rounds} rounds of {options['in_process_requests']} requests..."
            )
            medians = time_in_process(
                PAGES, cast, sessions, rounds=rounds, requests=options["in_process_requests"]
            )
            pdfs = {pdf.name: time_pdf(pdf, cast, options["pdf_repeats"]) for pdf in PDFS}
            self.stdout.write("Timed cases (the spreadsheet import of a province)...")
            timed = cases.time_cases(name)
            if options["no_http"]:
                timings: dict[str, dict[str, Any]] = {}
                scenarios = self.storms(cast, InProcessTransport(), options)
            else:
                timings, scenarios = self.over_http(cast, sessions, options)
            decision = (
                documents.run(options["decision_awardees"], max(1, options["render_workers"]))
                if options["decision_awardees"] > 0
                else {"status": "skipped (--decision-awardees 0)"}
            )
        finally:
            close_sessions(sessions.values())
        result = {
            "scale": name,
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": {
                "cores": cores(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "database": _database(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            },
            "settings": {
                "requests": options["requests"],
                "clients": options["clients"],
                "rounds": rounds,
                "in_process_requests": options["in_process_requests"],
                "workers": options["workers"],
                "http": not options["no_http"],
                "describe": _describe_run(options),
            },
            "data": {
                "blocks": scale.blocks,
                "units": scale.units,
                "years": scale.years,
                "criteria": scale.criteria,
                "rows": table_counts(),
                "generation": generation.as_json() if generation else None,
            },
            "baseline": BASELINE,
            "pages": _pages(
                queries, medians, timings, {page.name: page.path(cast) for page in PAGES}
            ),
            "pdfs": {
                pdf.name: {
                    "what": pdf.what,
                    "issue_ms": pdfs[pdf.name],
                    "median_ms": statistics.median(pdfs[pdf.name]) if pdfs[pdf.name] else None,
                    "max_ms": max(pdfs[pdf.name]) if pdfs[pdf.name] else None,
                    "target_ms": report.PDF_TARGET_MS,
                }
                for pdf in PDFS
            },
            "scenarios": scenarios,
            "decision_documents": decision,
            "cases": timed,
            "targets": {
                "in_process_ratio": report.PAGE_RATIO,
                "published_in_process_ratio": report.PUBLISHED_RATIO,
                "pdf_ms": report.PDF_TARGET_MS,
                "misses": [],
            },
        }
        if not (options["keep_data"] or options["reuse_data"]):
            wipe()
        return result

    def over_http(
        self, cast: Cast, sessions: dict[str, str], options: dict[str, Any]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        static_root = WORK_DIR / "static"
        self.stdout.write("Collecting static files for DEBUG=0 (only when they changed)...")
        collect_static(static_root)
        workers, clients, rounds = options["workers"], options["clients"], options["rounds"]
        with gunicorn(workers=workers, static_root=static_root) as port:
            self.stdout.write(f"gunicorn: {workers} workers on 127.0.0.1:{port}")

            def client_for(role: str) -> Any:
                key = None if role == ANONYMOUS else sessions[role]
                return lambda: HttpClient(port, key)

            paths = {page.name: page.path(cast) for page in PAGES}
            for page in PAGES:  # warm every worker: templates, connections, caches
                hammer(
                    client_for(page.role), paths[page.name], clients=workers, requests=4 * workers
                )
            samples: dict[str, list[float]] = {page.name: [] for page in PAGES}
            errors: dict[str, list[str]] = {page.name: [] for page in PAGES}
            per_round = max(1, options["requests"] // rounds)
            for number in range(1, rounds + 1):
                self.stdout.write(f"Pages, round {number} of {rounds}...")
                for page in PAGES:
                    got = hammer(
                        client_for(page.role), paths[page.name], clients=clients, requests=per_round
                    )
                    samples[page.name] += got.ms
                    errors[page.name] += got.errors
            timings = {
                name: {
                    "p50_ms": _round(percentile(ms, 50)),
                    "p95_ms": _round(percentile(ms, 95)),
                    "requests": len(ms) + len(errors[name]),
                    "errors": len(errors[name]),
                    "first_error": errors[name][0] if errors[name] else None,
                }
                for name, ms in samples.items()
            }
            scenarios = self.storms(cast, HttpTransport(port), options)
        return timings, scenarios

    def storms(
        self, cast: Cast, transport: Transport, options: dict[str, Any]
    ) -> dict[str, dict[str, Any]]:
        results: dict[str, dict[str, Any]] = {}
        chosen = options.get("storms")
        for storm in STORMS:
            if options["no_storms"]:
                results[storm.name] = {"status": "skipped (--no-storms)"}
                continue
            if chosen and storm.name not in chosen.split(","):
                results[storm.name] = {"status": "skipped (--storms)"}
                continue
            self.stdout.write(f"{storm.name}: {storm.what}...")
            # The audit head's holding time is seen in this process only (in-process storms).
            with AuditLockMeter() as meter:
                results[storm.name] = storm.run(cast, transport)
            if isinstance(transport, InProcessTransport):
                results[storm.name]["audit_lock"] = meter.summary()
        return results


def _pages(
    queries: dict[str, InProcess],
    medians: dict[str, list[float]],
    timings: dict[str, dict[str, Any]],
    paths: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """Each page's queries, its in-process time (the lowest of its medians over the rounds)
    against the baseline's and the target, and its times over HTTP."""
    best = {name: min(ms) if ms else None for name, ms in medians.items()}
    pages = {}
    for page in PAGES:
        timing = timings.get(page.name, {})
        pages[page.name] = {
            "role": page.role,
            "path": paths[page.name],
            "what": page.what,
            "published": page.published,
            "queries": queries[page.name].queries,
            "sql_ms": queries[page.name].sql_ms,
            "in_process_ms": best[page.name],
            "in_process_rounds_ms": medians[page.name],
            "ratio_to_baseline": report.ratio(best[page.name], best[BASELINE]),
            "target_ratio": None if page.name == BASELINE else report.target_ratio(page.published),
            "p50_ms": timing.get("p50_ms"),
            "p95_ms": timing.get("p95_ms"),
            "requests": timing.get("requests", 0),
            "errors": timing.get("errors", 0),
        }
        if timing.get("first_error"):
            pages[page.name]["first_error"] = timing["first_error"]
    return pages


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _database() -> str:
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version  # type: ignore[attr-defined]
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.vendor


def _describe_run(options: dict[str, Any]) -> str:
    if options["no_http"]:
        return (
            f"no HTTP: pages in-process only ({options['in_process_requests']} requests per "
            f"page in each of {options['rounds']} rounds), storms in-process"
        )
    return (
        f"gunicorn with {options['workers']} workers; {options['requests']} requests per page "
        f"from {options['clients']} concurrent clients in {options['rounds']} rounds; "
        f"in-process, {options['in_process_requests']} requests per page in each round"
    )
