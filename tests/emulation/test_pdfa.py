"""Issued documents are PDF/A-2b: read back from the file, the XMP metadata declares the part and
conformance, and an sRGB output intent with its ICC profile is there."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from emulation.pdf import render_pdf


def document() -> bytes:
    return render_pdf(
        "pdf/official_text.html",
        {
            "title": "Biên bản",
            "issuer_name": "Khối thi đua các cơ quan Đảng tỉnh",
            "date": datetime.date(2026, 12, 20),
            "place": "Quảng Trị",
            "paragraphs": ["Hội nghị đã bình xét."],
        },
    )


def test_the_xmp_metadata_declares_pdf_a_2b() -> None:
    root: Any = PdfReader(io.BytesIO(document())).trailer["/Root"]
    metadata = root["/Metadata"].get_object()
    xmp = metadata.get_data().decode()
    part = re.search(r"pdfaid:part(?:>|=\")\s*(\d)", xmp)
    conformance = re.search(r"pdfaid:conformance(?:>|=\")\s*([A-Za-z])", xmp)
    assert part is not None and part.group(1) == "2", xmp
    assert conformance is not None and conformance.group(1).upper() == "B", xmp


def test_an_srgb_output_intent_carries_its_icc_profile() -> None:
    root: Any = PdfReader(io.BytesIO(document())).trailer["/Root"]
    intents = root["/OutputIntents"]
    assert len(intents) == 1
    intent: Any = intents[0].get_object()
    assert isinstance(intent, DictionaryObject)
    assert intent["/S"] == "/GTS_PDFA1"
    assert "sRGB" in str(intent["/OutputConditionIdentifier"])
    stream: Any = intent["/DestOutputProfile"].get_object()
    profile = stream.get_data()
    assert profile[36:40] == b"acsp"  # an ICC profile's signature


def test_every_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(document()))
    fonts = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            fonts.append(described["/FontDescriptor"].get_object())
    assert fonts
    assert all(any(k in f for k in ("/FontFile", "/FontFile2", "/FontFile3")) for f in fonts)
