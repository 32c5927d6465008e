"""Issued PDFs, timed: an app registers a document it issues (`emulation.benchmark.register_pdf`)
with a function that issues it again (number, HTML, audit); its PDF is then made as the pipeline
makes it after the commit (laid out, signed), and the issue is rolled back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import escape

from emulation.benchmark.data import Cast
from emulation.issued import QR_PLACEHOLDER
from emulation.models import IssuedDocument, verify_url
from emulation.pdf import html_to_pdf, qr_data_uri
from emulation.signing import sign_issued


@dataclass(frozen=True)
class Pdf:
    name: str
    what: str
    issue: Callable[[Cast], IssuedDocument]


# The documents in the order registered.
PDFS: list[Pdf] = []


def time_pdf(pdf: Pdf, cast: Cast, repeats: int) -> list[float]:
    """Issue the document and make its PDF `repeats` times, each rolled back; the milliseconds of
    each (the issue and the rendering; the rendering is outside the lock in the pipeline, but
    inside the rolled-back transaction here, which holds nothing another writer waits for)."""
    runs = []
    for _ in range(repeats):
        with transaction.atomic():
            start = time.perf_counter()
            issued = pdf.issue(cast)
            html = issued.source_html.replace(
                QR_PLACEHOLDER, escape(qr_data_uri(verify_url(issued.code)))
            )
            sign_issued(html_to_pdf(html), issued)
            runs.append(round((time.perf_counter() - start) * 1000, 1))
            transaction.set_rollback(True)
    return runs
