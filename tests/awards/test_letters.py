"""The proposal letter and the achievement report as issued PDFs, read back."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from awards.models import Dossier, Nomination
from emulation.models import IssuedDocument
from tests.factories import REPORT_TEXT, World, make_complete_dossier

pytestmark = pytest.mark.django_db


def text_of(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return unicodedata.normalize(
        "NFC", " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    )


def squeezed(text: str) -> str:
    """Without spaces: a table cell may break a name over two lines."""
    return "".join(text.split())


def test_the_proposal_letter_lists_every_nominee_and_cites_the_minutes(world: World) -> None:
    nominations = make_complete_dossier(world)
    dossier = Dossier.objects.select_related("proposal_letter", "minutes").get()
    letter = dossier.proposal_letter
    assert letter is not None and dossier.minutes is not None
    text = text_of(letter)
    assert "TỜ TRÌNH" in text
    assert "Về việc đề nghị khen thưởng năm 2026" in text
    assert "Số: 05/TTr-KTĐ" in text
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị" in text
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert dossier.minutes.display_code in text
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (3 tập thể)" in text
    for nomination in nominations:
        assert squeezed(nomination.unit_name) in squeezed(text)
    assert "4/4" in text  # every member unit agreed
    assert letter.display_code in text
    assert "Nguyễn Văn An" in text and "CHÁNH VĂN PHÒNG TỈNH ỦY" in text
    assert letter.kind == "proposal" and letter.subject_id == str(world.block_year.pk)
    assert letter.metadata["nominations"] == sorted(
        [n.pk, "chairman-certificate", n.unit_id] for n in nominations
    )


def test_the_letter_lists_nominees_by_rank(world: World) -> None:
    make_complete_dossier(world)
    letter = Dossier.objects.get().proposal_letter
    assert letter is not None
    text = squeezed(text_of(letter))
    # Văn phòng Tỉnh ủy leads (rank 1); the two units tied at rank 2 follow by name.
    assert text.index("VănphòngTỉnhủy") < text.index("BanTổchứcTỉnhủy") < text.index("BáoQuảngTrị")


def test_the_achievement_report_carries_the_units_text_and_its_approval(world: World) -> None:
    nominations = make_complete_dossier(world)
    nomination = Nomination.objects.select_related("report_document", "report_approved_by").get(
        pk=nominations[0].pk
    )
    report = nomination.report_document
    assert report is not None
    text = text_of(report)
    assert "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA CHỦ TỊCH" in text
    assert f"của {nomination.unit_name}" in text
    for heading in ("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "II. THÀNH TÍCH ĐẠT ĐƯỢC", "III. CÁC HÌNH"):
        assert heading in text
    for section in REPORT_TEXT.values():
        assert squeezed(section) in squeezed(text)
    assert report.display_code in text
    assert nomination.report_approved_by is not None
    assert nomination.report_approved_by.get_full_name() in text
    assert report.metadata["nomination"] == nomination.pk
    assert len(report.version_hash()) == 64
