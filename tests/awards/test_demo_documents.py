"""The demo's issued documents, as printed: each dated the day of its own step, in the order of
the procedure (the reports and the minutes, then the proposal letter, then the council's
minutes and the decision it led to), numbered where the kind has a number, and all ready."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata

import pytest
from django.utils import timezone
from pypdf import PdfReader

from awards.models import CouncilSession, Decision, Dossier
from emulation.models import IssuedDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
PRINTED_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


def printed_date(document: IssuedDocument | None) -> datetime.date:
    """The place and date line of the first page (the first date printed on it)."""
    assert document is not None and document.is_ready
    with document.file.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    found = PRINTED_DATE.search(unicodedata.normalize("NFC", " ".join(text.split())))
    assert found is not None, text
    day, month, year = (int(part) for part in found.groups())
    return datetime.date(year, month, day)


def test_each_document_prints_the_day_of_its_step_in_the_procedures_order() -> None:
    last_year = timezone.localdate().year - 1
    dossier = Dossier.objects.select_related("minutes", "proposal_letter").get(
        block_year__year=last_year, minutes__isnull=False
    )
    reports = [n.report_document for n in dossier.block_year.nominations.all()]
    session = CouncilSession.objects.filter(year=last_year, minutes__isnull=False).first()
    decision = Decision.objects.filter(year=last_year, document__isnull=False).first()
    assert session is not None and decision is not None
    minutes = printed_date(dossier.minutes)
    letter = printed_date(dossier.proposal_letter)
    council = printed_date(session.minutes)
    decided = printed_date(decision.document)
    assert minutes.year == last_year
    assert all(minutes < printed_date(report) < letter for report in reports if report)
    assert letter < council <= decided
    assert decided == decision.signed_on
    # The date printed is the date of issue.
    for document in (dossier.minutes, dossier.proposal_letter, decision.document):
        assert document is not None
        assert timezone.localdate(document.issued_at) == printed_date(document)


def test_every_demo_document_is_ready_and_numbered_where_its_kind_has_a_number() -> None:
    documents = IssuedDocument.objects.all()
    assert documents.exists()
    assert not documents.exclude(state="ready").exists()
    for kind in ("minutes", "council_minutes", "proposal", "decision", "covenant"):
        numbered = documents.filter(kind=kind)
        assert numbered.exists(), kind
        assert not numbered.filter(number="").exists(), kind
