"""Issued PDFs, timed: an app registers a document it issues (`emulation.benchmark.register_pdf`)
with a function that issues it again (render, store, audit); each issue is rolled back and its
stored file removed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction

from emulation.benchmark.data import Cast
from emulation.models import IssuedDocument


@dataclass(frozen=True)
class Pdf:
    name: str
    what: str
    issue: Callable[[Cast], IssuedDocument]


# The documents in the order registered.
PDFS: list[Pdf] = []


def time_pdf(pdf: Pdf, cast: Cast, repeats: int) -> list[float]:
    """Issue the document `repeats` times, each rolled back; the milliseconds of each."""
    runs = []
    for _ in range(repeats):
        with transaction.atomic():
            start = time.perf_counter()
            issued = pdf.issue(cast)
            runs.append(round((time.perf_counter() - start) * 1000, 1))
            default_storage.delete(str(issued.file.name))
            transaction.set_rollback(True)
    return runs
