"""The demonstration's signing certificate: made once, and it signs an issued PDF that pyHanko
reads back as signed by the demonstration body and chaining to the demonstration root."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from emulation import signing, timestamps
from emulation.models import IssuedDocument
from emulation.pdf import render_pdf


def test_the_demo_certificate_is_made_once_and_signs(tmp_path: Path, settings: Any) -> None:
    call_command("demo_certificate", directory=str(tmp_path), stdout=io.StringIO())
    made = (tmp_path / "signer.p12").read_bytes()
    out = io.StringIO()
    call_command("demo_certificate", directory=str(tmp_path), stdout=out)
    assert (tmp_path / "signer.p12").read_bytes() == made and "is in" in out.getvalue()
    settings.DOCUMENT_SIGNING_P12 = str(tmp_path / "signer.p12")
    settings.DOCUMENT_SIGNING_P12_PASSWORD = "demo"
    pdf = render_pdf("pdf/base_official.html", {"title": "Thử", "issuer_name": "UBND"})
    signed = signing.sign_issued(pdf, IssuedDocument(code="ABCDEFGHJK", issuer_name="UBND"))
    roots = timestamps.read_certificates(str(tmp_path / "roots"))
    (report,) = signing.read_signatures(signed, roots=roots)
    assert report.intact and report.trusted
    assert "trình diễn" in report.signer
