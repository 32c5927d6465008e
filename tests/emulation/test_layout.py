"""The printed layout of issued documents (Decree 30/2020/NĐ-CP), measured on the rendered pages:
every mark at least 10 mm inside the sheet (the QR code and the verification line included), and
names broken between phrases, not inside them."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from emulation.pdf import qr_data_uri, render_pdf

DPI = 100
MM = DPI / 25.4
EDGE_MM = 10
LONG_ISSUER = "Ban Tuyên giáo và Dân vận Tỉnh ủy Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"


def ink_boxes(pdf: bytes) -> list[tuple[float, float, float, float, float, float]]:
    """For each page: its width and height, and the distance in millimetres from the left, top,
    right and bottom edges to the nearest mark printed on it."""
    boxes = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", str(source), str(Path(folder) / "page")],
            check=True,
        )
        for image_path in sorted(Path(folder).glob("page*.pgm")):
            image = Image.open(image_path).point(lambda v: 255 if v < 250 else 0)
            left, top, right, bottom = image.getbbox() or (0, 0, 0, 0)
            width, height = image.size
            boxes.append(
                (
                    width / MM,
                    height / MM,
                    left / MM,
                    top / MM,
                    (width - right) / MM,
                    (height - bottom) / MM,
                )
            )
    return boxes


def words_by_line(pdf: bytes) -> list[str]:
    """The lines of text of the first page, as pdftotext lays them out."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return [" ".join(line.split()) for line in result.stdout.decode().splitlines()]


def official(**context: object) -> bytes:
    url = "https://thidua.quangtri.gov.vn/verify/ABCDEFGHJK/"
    return render_pdf(
        "pdf/official_text.html",
        {
            "title": "Biên bản họp bình xét thi đua",
            "issuer_name": LONG_ISSUER,
            "parent_body": "Tỉnh ủy Quảng Trị",
            "number": "12/BB-KTĐ",
            "place": "Quảng Trị",
            "date": datetime.date(2026, 12, 20),
            "paragraphs": ["Hội nghị đã bình xét và bỏ phiếu kín. " * 12] * 14,
            "signature": {"capacity": "TM. HỘI NGHỊ", "position": "CHỦ TRÌ", "name": "Lê Văn An"},
            "recipients": ["Các đơn vị thành viên", "Lưu: VT"],
            "verification": {
                "code": "ABCDE-FGHJK",
                "url": url,
                "qr": qr_data_uri(url),
                "chain": {"seq": 1234, "hash": "ab" * 32, "short": "ab" * 8},
            },
            **context,
        },
    )


def test_every_mark_on_every_page_is_at_least_10_mm_inside_the_sheet() -> None:
    boxes = ink_boxes(official())
    assert len(boxes) >= 2  # the first page (QR code) and a following one (page number)
    for width, height, left, top, right, bottom in boxes:
        assert (round(width), round(height)) == (210, 297)
        assert min(left, top, right, bottom) >= EDGE_MM, (left, top, right, bottom)
    # The verification line and QR code are near the bottom, not lost in the body.
    assert boxes[0][5] < 20


def test_the_certificate_stays_10_mm_inside_its_landscape_sheet() -> None:
    url = "https://thidua.quangtri.gov.vn/verify/ABCDEFGHJK/"
    certificate = render_pdf(
        "awards/certificate_pdf.html",
        {
            "issuer_name": "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
            "chairman": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
            "heading": "BẰNG KHEN",
            "award": {"name_vi": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"},
            "unit_name": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "block_name": "Khối thi đua các cơ quan Đảng tỉnh",
            "year": 2026,
            "decision_number": "125/QĐ-UBND",
            "number": "1234/BK",
            "signed_on": datetime.date(2027, 1, 15),
            "place": "Quảng Trị",
            "signature": {
                "capacity": "KT. CHỦ TỊCH",
                "position": "PHÓ CHỦ TỊCH",
                "name": "Hoàng Nam",
            },
            "verification": {
                "code": "ABCDE-FGHJK",
                "url": url,
                "qr": qr_data_uri(url),
                "chain": {"seq": 1234, "hash": "ab" * 32, "short": "ab" * 8},
            },
        },
    )
    boxes = ink_boxes(certificate)
    assert len(boxes) == 1
    width, height, left, top, right, bottom = boxes[0]
    assert (round(width), round(height)) == (297, 210)
    assert min(left, top, right, bottom) >= EDGE_MM, (left, top, right, bottom)


def issuer_lines(pdf: bytes) -> list[str]:
    """The lines of the letterhead's left-hand column (the issuer), first page: the column runs
    from the 30 mm left margin over 38% of the 165 mm text width, below the 20 mm top margin."""
    points = 72 / 25.4
    result = subprocess.run(
        [
            "pdftotext", "-f", "1", "-l", "1",
            "-x", str(int(30 * points)), "-y", str(int(20 * points)),
            "-W", str(int(0.38 * 165 * points)), "-H", str(int(30 * points)),
            "-", "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    )  # fmt: skip
    return [" ".join(line.split()) for line in result.stdout.decode().splitlines() if line.strip()]


def test_the_issuers_name_breaks_between_phrases() -> None:
    lines = issuer_lines(official())
    assert lines[0] == "TỈNH ỦY QUẢNG TRỊ"
    assert " ".join(lines[1:]) == LONG_ISSUER.upper()
    assert len(lines) >= 4  # it does need several lines
    for phrase in ("TUYÊN GIÁO", "DÂN VẬN", "TỈNH ỦY", "THI ĐUA", "CƠ QUAN", "QUẢNG TRỊ"):
        assert any(phrase in line for line in lines[1:]), (phrase, lines)


def test_a_title_breaks_between_phrases() -> None:
    title = "Báo cáo thành tích đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    lines = words_by_line(official(title=title, issuer_name="Sở Nội vụ"))
    start = next(i for i, line in enumerate(lines) if line.startswith("BÁO CÁO"))
    title_lines = [line for line in lines[start : start + 4] if line]
    assert " ".join(title_lines).startswith(title.upper())
    for phrase in ("BÁO CÁO", "THÀNH TÍCH", "BẰNG KHEN", "CHỦ TỊCH", "ỦY BAN", "NHÂN DÂN"):
        assert any(phrase in line for line in title_lines), (phrase, title_lines)


def test_the_number_and_date_are_printed() -> None:
    text = " ".join(words_by_line(official()))
    assert "Số: 12/BB-KTĐ" in text
    assert "ngày 20 tháng 12 năm 2026" in text
