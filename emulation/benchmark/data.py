"""Benchmark data: one province, or the whole country, written with bulk inserts.

Each app writes its own rows: a `DataStep` that it registers in its AppConfig.ready()
(`emulation.benchmark.register_data`). The steps run in the order registered, which is the
apps' order (blocks, covenants, scoring, awards), so each step may read what the steps below it
wrote (`DataStep.step`). Every name and short name is derived from a number, so a later run
(`--reuse-data`) finds the same objects again: each step finds its share (`DataStep.find`),
which the pages and storms read from the `Cast`. Every account has the password `PASSWORD`.

The generator writes only into an empty database or one holding an earlier benchmark's data (a
step recognises it by a marker it wrote, `DataStep.found_scale`), which it flushes first: the
benchmark needs a database of its own.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from emulation.models import IssuedDocument, User

M = TypeVar("M", bound=models.Model)
S = TypeVar("S", bound="DataStep")
P = TypeVar("P")

PASSWORD = "bench-ky-giao-uoc-2026"  # every generated account's, on a benchmark database
MARKER = "BENCH-"  # what the step that marks the data writes before the scale's name
BATCH = 2000


def analyze(*models: type[models.Model]) -> None:
    """Gather the planner's statistics for these models' tables (every table when none).
    Raw SQL: ANALYZE is a maintenance statement the ORM has no call for."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        for statement in [f"ANALYZE {table}" for table in tables] or ["ANALYZE"]:
            cursor.execute(statement)


class BenchmarkError(Exception):
    """The benchmark cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Scale:
    name: str
    blocks: int
    units: int
    years: int
    criteria: int
    blocks_per_authority: int = 30

    @property
    def authorities(self) -> int:
        return math.ceil(self.blocks / self.blocks_per_authority)


SCALES = {
    "province": Scale("province", blocks=30, units=400, years=3, criteria=60),
    "country": Scale("country", blocks=1000, units=10_000, years=3, criteria=60),
    # For the test: small enough for seconds, with a past year so that a covenant is in force,
    # and the three blocks of one authority that the pages and storms use.
    "tiny": Scale("tiny", blocks=3, units=18, years=2, criteria=60),
}
PUBLIC_SCALES = ("province", "country")


def aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class TableTiming:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Generation:
    """How long each table took, in the order written."""

    scale: str
    tables: dict[str, TableTiming] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "rows": self.rows,
            "tables": {
                name: {"rows": t.rows, "seconds": round(t.seconds, 2)}
                for name, t in self.tables.items()
            },
        }


class DataStep:
    """One app's share of the benchmark data: `generate` writes it with bulk inserts, `find`
    finds again the objects of it that the pages and storms use."""

    # The tables whose rows are shown with the results, to say what was measured.
    counted: ClassVar[Sequence[type[models.Model]]] = ()

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.scale = generator.scale
        self.today = generator.today
        self.years = generator.years

    def generate(self) -> None:
        raise NotImplementedError

    @classmethod
    def find(cls, cast: Cast) -> object | None:
        """This step's objects for the pages and storms (read with `Cast.part`), found again by
        their derived names; it may add people to `cast.users`."""
        return None

    @classmethod
    def found_scale(cls) -> str | None:
        """The scale of the benchmark data whose marker this step wrote, if the database holds
        some."""
        return None

    @classmethod
    def holds_other_data(cls) -> bool:
        """Whether this step's tables hold rows that the benchmark did not write."""
        return False

    def step(self, kind: type[S]) -> S:
        """The step of a lower app, run before this one: what it wrote."""
        return self.generator.step(kind)

    def log(self, line: str) -> None:
        self.generator.log(line)

    def insert(
        self, objects: Sequence[M], table: str | None = None, *, quiet: bool = False
    ) -> list[M]:
        return self.generator.insert(objects, table, quiet=quiet)

    def timed(self, table: str) -> AbstractContextManager[TableTiming]:
        return self.generator.timed(table)

    def logged(self, table: str) -> None:
        self.generator.logged(table)


# The steps in the order registered (`emulation.benchmark.register_data`).
STEPS: list[type[DataStep]] = []


def benchmark_scale() -> str | None:
    """The scale of the benchmark data in the database, if it holds some."""
    for step in STEPS:
        found = step.found_scale()
        if found:
            return found
    return None


def wipe() -> None:
    """Empty a database that holds only benchmark data (refusing any other)."""
    marked = benchmark_scale() is not None
    if any(step.holds_other_data() for step in STEPS) or (not marked and User.objects.exists()):
        raise BenchmarkError(
            "This database holds data that the benchmark did not generate. Give the "
            "benchmark a database of its own (DATABASE_URL=.../emulation_bench)."
        )
    if not marked:
        return
    for name in IssuedDocument.objects.values_list("file", flat=True).distinct():
        default_storage.delete(name)
    call_command("flush", interactive=False, verbosity=0)


class Generator:
    """Writes a scale's data: each registered step in turn, then fresh statistics."""

    def __init__(self, scale: Scale, *, log: Callable[[str], None] = lambda line: None) -> None:
        if scale.years < 2:
            raise BenchmarkError("The benchmark needs at least two years (one in force).")
        self.scale = scale
        self.log = log
        self.report = Generation(scale.name)
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - scale.years + 1, self.today.year + 1))
        self.steps = [step(self) for step in STEPS]

    def step(self, kind: type[S]) -> S:
        for step in self.steps:
            if isinstance(step, kind):
                return step
        raise BenchmarkError(f"No benchmark data step {kind.__name__} is registered.")

    @contextmanager
    def timed(self, table: str) -> Iterator[TableTiming]:
        timing = self.report.tables.setdefault(table, TableTiming())
        start = time.perf_counter()
        yield timing
        timing.seconds += time.perf_counter() - start

    def insert(
        self, objects: Sequence[M], table: str | None = None, *, quiet: bool = False
    ) -> list[M]:
        if not objects:
            return []
        model = type(objects[0])
        name = table or model._meta.db_table
        with self.timed(name) as timing:
            created = model._default_manager.bulk_create(objects, batch_size=BATCH)
            timing.rows += len(created)
        if not quiet:
            self.logged(name)
        return created

    def logged(self, name: str) -> None:
        timing = self.report.tables[name]
        self.log(f"  {name:<32} {timing.rows:>8} rows {timing.seconds:7.2f} s")

    @transaction.atomic
    def run(self) -> Generation:
        start = time.perf_counter()
        scale = self.scale
        self.log(f"Generating {scale.name}: {scale.blocks} blocks, {scale.units} units, "
                 f"{scale.years} years")  # fmt: skip
        for step in self.steps:
            step.generate()
        # Fresh statistics, as autovacuum would gather them on a live database: without them
        # the planner misjudges every table the bulk inserts just filled.
        with self.timed("ANALYZE"):
            analyze()
        self.log(f"  {'ANALYZE':<32} {'':>8}      {self.report.tables['ANALYZE'].seconds:7.2f} s")
        self.report.seconds = time.perf_counter() - start
        return self.report


class Cast:
    """The objects and people the pages and storms use: each registered step adds its share,
    in the steps' order, so that a step's `find` may read the shares found before it."""

    def __init__(self, scale: str) -> None:
        self.scale = scale
        self.users: dict[str, User] = {}
        self.parts: list[object] = []

    @classmethod
    def find(cls, scale: str) -> Cast:
        cast = cls(scale)
        for step in STEPS:
            part = step.find(cast)
            if part is not None:
                cast.parts.append(part)
        return cast

    def part(self, kind: type[P]) -> P:
        for part in self.parts:
            if isinstance(part, kind):
                return part
        raise BenchmarkError(f"No benchmark data step found a {kind.__name__}.")


def table_counts() -> dict[str, int]:
    """Rows in the benchmark's tables (shown with the results, to say what was measured)."""
    return {
        model._meta.db_table: model._default_manager.count()
        for step in STEPS
        for model in step.counted
    }
