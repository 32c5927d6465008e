"""PDF rendering in the official document format (Decree 30/2020), read back with pypdf."""

from __future__ import annotations

import datetime
import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from emulation.pdf import LocalOnlyFetcher, pdf_fonts, qr_data_uri, render_pdf

PARAGRAPH = (
    "Các đơn vị thành viên cam kết hoàn thành tốt nhiệm vụ chính trị được giao; xây dựng tổ "
    "chức Đảng, đoàn thể trong sạch, vững mạnh; hưởng ứng các phong trào thi đua."
)


def context(**extra: Any) -> dict[str, Any]:
    return {
        "parent_body": "Tỉnh ủy Quảng Trị",
        "issuer_name": "Khối thi đua các cơ quan Đảng tỉnh",
        "number": "01/GƯ-KTĐ",
        "place": "Quảng Trị",
        "date": datetime.date(2024, 3, 5),
        "title": "Giao ước thi đua",
        "summary": "năm 2024",
        "paragraphs": [PARAGRAPH],
        "recipients": ["Hội đồng TĐKT tỉnh", "Lưu: VT"],
        "signature": {
            "capacity": "TM. Khối thi đua",
            "position": "Trưởng khối",
            "name": "Lê Văn B",
        },
        **extra,
    }


def text_of(pdf: bytes) -> list[str]:
    """The text of each page, composed (NFC) and with lines joined by spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        unicodedata.normalize("NFC", " ".join(page.extract_text().split())) for page in reader.pages
    ]


def test_an_official_document_shows_the_motto_the_place_and_date_and_the_title() -> None:
    first = text_of(render_pdf("pdf/official_text.html", context()))[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "Quảng Trị, ngày 05 tháng 3 năm 2024" in first
    assert "GIAO ƯỚC THI ĐUA" in first  # the title, in capitals
    assert "KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH" in first
    assert "Số: 01/GƯ-KTĐ" in first
    assert "Nơi nhận:" in first and "- Lưu: VT." in first
    assert "Lê Văn B" in first


def test_the_page_is_a4() -> None:
    page = PdfReader(io.BytesIO(render_pdf("pdf/official_text.html", context()))).pages[0]
    width_mm = float(page.mediabox.width) * 25.4 / 72
    height_mm = float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (210, 297)


def test_every_font_in_the_document_is_the_bundled_liberation_serif() -> None:
    reader = PdfReader(io.BytesIO(render_pdf("pdf/official_text.html", context())))
    names, families = set(), set()
    resources: Any = reader.pages[0]["/Resources"]
    for font_ref in resources["/Font"].values():
        font = font_ref.get_object()
        names.add(str(font["/BaseFont"]).split("+", 1)[1])
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        families.add(program["name"].getDebugName(1))
    # Our own family name: a system font would show up under its own name (e.g. DejaVu).
    assert names == {
        "Liberation-Serif-Bundled",
        "Liberation-Serif-Bundled-Bold",
        "Liberation-Serif-Bundled-Italic",
        "Liberation-Serif-Bundled-Bold-Italic",
    }
    assert families == {"Liberation Serif"}


def in_top_margin(pdf: bytes) -> list[str]:
    """The text each page shows in its top margin (the upper 20 mm)."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        top = float(page.mediabox.height) - 20 * 72 / 25.4
        parts: list[str] = []

        def visit(
            text: str, cm: Any, tm: Any, *_: Any, parts: list[str] = parts, top: float = top
        ) -> None:
            if text.strip() and tm[5] * cm[3] + cm[5] > top:
                parts.append(text.strip())

        page.extract_text(visitor_text=visit)
        found.append(" ".join(parts))
    return found


def test_pages_are_numbered_in_the_top_margin_from_the_second_one() -> None:
    pdf = render_pdf("pdf/official_text.html", context(paragraphs=[PARAGRAPH] * 30))
    margins = in_top_margin(pdf)
    assert len(margins) >= 3
    assert margins[:3] == ["", "2", "3"]


def test_an_issued_document_prints_its_code_and_address_at_the_foot_of_every_page() -> None:
    url = "https://thidua.example.gov.vn/verify/ABCDEFGHJK/"
    verification = {"code": "ABCDE-FGHJK", "url": url, "qr": qr_data_uri(url)}
    pages = text_of(
        render_pdf(
            "pdf/official_text.html",
            context(paragraphs=[PARAGRAPH] * 30, verification=verification),
        )
    )
    assert len(pages) >= 2
    for page in pages:
        assert "Mã xác thực: ABCDE-FGHJK" in page
        assert f"Xác thực tại {url}" in page


def test_a_preview_carries_no_verification_footer() -> None:
    assert "Mã xác thực" not in text_of(render_pdf("pdf/official_text.html", context()))[0]


def test_text_from_people_is_text_not_markup() -> None:
    pages = text_of(render_pdf("pdf/official_text.html", context(paragraphs=["<b>A & B</b>"])))
    assert "<b>A & B</b>" in pages[0]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/", "https://example.com/logo.png", "file:///etc/passwd"],
)
def test_a_pdf_template_cannot_load_remote_or_arbitrary_local_files(url: str) -> None:
    with pytest.raises(ValueError):
        LocalOnlyFetcher().fetch(url)


def test_the_bundled_fonts_and_qr_codes_can_be_loaded() -> None:
    font = finders.find("fonts/LiberationSerif-Regular.ttf")
    assert isinstance(font, str)
    assert LocalOnlyFetcher().fetch(Path(font).as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    assert LocalOnlyFetcher().fetch(qr_data_uri("x")).read().startswith(b"<svg")


def test_the_font_rules_name_the_four_bundled_files_and_nothing_else() -> None:
    rules = render_to_string("pdf/_fonts.css", {"pdf_fonts": pdf_fonts()}).split("\n")
    rules = [rule for rule in rules if rule]
    assert len(rules) == 4
    for rule in rules:
        url = rule.split("src: url('", 1)[1].split("')", 1)[0]
        assert url.startswith("file:///") and url.endswith(".ttf")
        assert LocalOnlyFetcher().fetch(url).read()[:4] == b"\x00\x01\x00\x00"
    assert "font-weight: bold; font-style: italic;" in "".join(rules)


def test_rendering_warns_of_nothing(caplog: pytest.LogCaptureFixture) -> None:
    # With HarfBuzz's subsetter installed (libharfbuzz-subset0), WeasyPrint subsets the fonts
    # itself instead of warning at every document that it falls back to fontTools.
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf("pdf/official_text.html", context(paragraphs=["Nội dung."]))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
