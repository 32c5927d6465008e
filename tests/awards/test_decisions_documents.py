"""The decision, the certificates and the proposal to the Ministry of Home Affairs as issued PDFs,
read back, and recognised by the public verification page."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from awards.models import AwardType, Decision
from awards.services import decisions
from emulation.models import IssuedDocument
from tests.awards.matrix_decisions import SIGNED_ON, issued
from tests.factories import YEAR, World, at_council_status, make_sent_dossier

pytestmark = pytest.mark.django_db


def text_of(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return unicodedata.normalize("NFC", " ".join(text.split()))


def squeezed(text: str) -> str:
    """Without spaces: a table cell may break a name over two lines."""
    return "".join(text.split())


def pages(document: IssuedDocument) -> list[tuple[float, float]]:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


@pytest.fixture
def awarded(world: World) -> Decision:
    """The Chairman's certificates for the three units of the block's dossier, issued."""
    at_council_status(make_sent_dossier(world), "approved")
    decision = decisions.draft_decision(
        world.authority,
        YEAR,
        AwardType.objects.get(code="chairman-certificate"),
        by=world.staff,
        number="125/QĐ-UBND",
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        legal_bases=decisions.default_legal_bases(
            AwardType.objects.get(code="chairman-certificate")
        ),
    )
    return decisions.issue_decision(decision, by=world.staff)


def test_the_decision_is_in_the_state_format_with_its_annex(
    world: World, awarded: Decision
) -> None:
    assert awarded.document is not None
    text = text_of(awarded.document)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/QĐ-UBND",
        f"Quảng Trị, ngày 05 tháng 3 năm {YEAR + 1}",
        "QUYẾT ĐỊNH",
        f"Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm {YEAR}",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
        "Căn cứ Nghị định số 152/2025/NĐ-CP",
        "Theo đề nghị của Giám đốc Sở Nội vụ",
        "QUYẾT ĐỊNH:",
        "Điều 1. Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 3 tập thể",
        "Điều 2.",
        "Điều 3.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hoàng Nam",
        "Nơi nhận:",
        "DANH SÁCH",
        f"(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 3 năm {YEAR + 1}",
        awarded.document.display_code,
    ):
        assert expected in text, expected
    annex = squeezed(text[text.index("DANH SÁCH") :])
    for awardee in awarded.awardees.all():
        assert squeezed(awardee.unit_name) in annex
    assert squeezed(world.block.name) in annex
    assert len(pages(awarded.document)) == 2  # the annex starts on its own page


def test_each_certificate_names_its_unit_and_the_decision_on_one_landscape_page(
    awarded: Decision,
) -> None:
    awardee = awarded.awardees.select_related("certificate").first()
    assert awardee is not None and awardee.certificate is not None
    text = text_of(awardee.certificate)
    for expected in (
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "TẶNG",
        "BẰNG KHEN",
        awardee.unit_name,
        f"Đã có thành tích xuất sắc trong phong trào thi đua năm {YEAR}",
        "Quyết định số: 125/QĐ-UBND",
        f"Quảng Trị, ngày 05 tháng 3 năm {YEAR + 1}",
        "Hoàng Nam",
        awardee.certificate.display_code,
    ):
        assert expected in text, expected
    [(width, height)] = pages(awardee.certificate)
    assert width > height


def test_the_certificates_take_consecutive_numbers_in_the_bodys_register(
    awarded: Decision,
) -> None:
    """One register of commendations per issuing body and year: the certificates of a decision
    are numbered in it one after another, each number printed on its certificate."""
    certificates = [a.certificate for a in awarded.awardees.select_related("certificate")]
    numbers = [c.number for c in certificates if c is not None]
    assert numbers == [f"{n}/BK" for n in range(1, len(awarded.awardees.all()) + 1)]
    for certificate in certificates:
        assert certificate is not None and certificate.register_year == YEAR + 1
        assert f"Số vào sổ khen thưởng: {certificate.number}" in text_of(certificate)


def test_the_provincial_flag_certificate_says_flag(world: World) -> None:
    decision = issued(world, award_code="provincial-flag")
    certificate = decision.awardees.get().certificate
    assert certificate is not None
    text = text_of(certificate)
    assert "CỜ THI ĐUA" in text and "BẰNG KHEN" not in text
    assert certificate.number == "1/CTĐ" and "Số vào sổ khen thưởng: 1/CTĐ" in text


def test_the_proposal_to_the_ministry_names_the_block_each_unit_leads_and_the_cap(
    world: World,
) -> None:
    nominations = at_council_status(make_sent_dossier(world), "approved")
    from awards.models import Nomination

    Nomination.objects.filter(pk=nominations[0].pk).update(
        award_type=AwardType.objects.get(code="government-flag")
    )
    decision = decisions.draft_decision(
        world.authority,
        YEAR,
        AwardType.objects.get(code="government-flag"),
        by=world.staff,
        number="12/TTr-UBND",
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="Chủ tịch",
        legal_bases="Luật Thi đua, khen thưởng số 06/2022/QH15",
    )
    decisions.issue_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.document is not None
    text = text_of(decision.document)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "Số: 12/TTr-UBND",
        "TỜ TRÌNH",
        f"Về việc đề nghị tặng Cờ thi đua của Chính phủ năm {YEAR}",
        "Kính gửi: Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)",
        "Thủ tướng Chính phủ",
        "Đơn vị dẫn đầu Khối thi đua",
        # One block published its ranking: one leading unit, one proposed, against 20 per cent.
        f"Năm {YEAR}, 1 khối thi đua của tỉnh",
        "bằng 100% số đơn vị dẫn đầu các khối, vượt quá 20% theo quy định",
        "CHỦ TỊCH",
        "Hoàng Nam",
    ):
        assert expected in text, expected
    assert squeezed(nominations[0].unit_name) in squeezed(text)
    assert squeezed(world.block.name) in squeezed(text)


def test_the_verification_page_recognises_the_decision_and_its_certificates(
    client: Client, awarded: Decision
) -> None:
    assert awarded.document is not None
    page = client.get(f"/verify/{awarded.document.code}/").content.decode()
    assert "Quyết định số 125/QĐ-UBND" in page
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ" in page
    with awarded.document.file.open("rb") as handle:
        copy = SimpleUploadedFile("copy.pdf", handle.read(), "application/pdf")
    checked = client.post(f"/verify/{awarded.document.code}/", {"file": copy})
    assert 'data-result="match"' in checked.content.decode()
    awardee = awarded.awardees.select_related("certificate").first()
    assert awardee is not None and awardee.certificate is not None
    page = client.get(f"/verify/{awardee.certificate.code}/").content.decode()
    assert awardee.unit_name in page
