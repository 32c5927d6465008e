"""The minutes of a council session: an issued PDF in the official format, once the session is
closed, naming each nominee's block, the counts, the share needed, the outcome and the caps."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from awards.documents import session_minutes
from awards.services import sessions
from emulation.errors import DomainError
from emulation.models import IssuedDocument
from tests import counting
from tests.awards.matrix_sessions import nominate, opened, prepared, published_blocks
from tests.factories import World, at_council_status, make_council_members, make_sent_dossier

pytestmark = pytest.mark.django_db


def pdf_text(document: IssuedDocument) -> str:
    """The PDF's text as `pdftotext` reads it (pypdf when the tool is missing)."""
    path = document.file.path
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", path, "-"], capture_output=True, check=True, text=True
        ).stdout
    else:  # pragma: no cover
        from pypdf import PdfReader

        text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_the_minutes_are_issued_once_for_a_closed_session(world: World) -> None:
    session = prepared(world, method="paper")
    with pytest.raises(DomainError, match="once the session is closed"):
        session_minutes.issue_session_minutes(session, by=world.staff)
    counts = {item.pk: (1, 0) for item in session.items.all()}
    sessions.record_paper_counts(session, by=world.staff, present=1, counts=counts, scan=None)
    document = session_minutes.issue_session_minutes(session, by=world.staff)
    session.refresh_from_db()
    assert session.minutes == document and document.kind == "council_minutes"
    with pytest.raises(DomainError, match="already been issued"):
        session_minutes.issue_session_minutes(session, by=world.staff)
    assert IssuedDocument.objects.filter(kind="council_minutes").count() == 1


def test_the_minutes_give_members_quorum_blocks_counts_outcomes_and_caps(world: World) -> None:
    nominations = at_council_status(make_sent_dossier(world), "appraised")
    years = published_blocks(world, 5)  # with the world's own block: 6 leading units
    flag = nominate(years[0], years[0].memberships.get().unit, "government-flag")
    flag2 = nominate(years[1], years[1].memberships.get().unit, "government-flag")
    members = [world.member, *make_council_members(world, 2)]
    session = opened(world, nominations=[*nominations, flag, flag2], present=members)
    items = list(session.items.order_by("position"))
    for index, member in enumerate(members):
        # Everyone agrees on all; the second flag gets one vote fewer.
        choices = {i.pk: not (i.nomination_id == flag2.pk and index == 0) for i in items}
        sessions.cast_council_vote(session, by=member, choices=choices)
    counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    text = pdf_text(session_minutes.issue_session_minutes(session, by=world.staff))
    assert "BIÊN BẢN PHIÊN HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tổng số thành viên Hội đồng:" in text and "Số thành viên tối thiểu (2/3):" in text
    assert "3 3 2 – phiên họp đủ điều kiện biểu quyết" in text  # size, present, quorum
    assert "bỏ phiếu kín trực tuyến" in text
    assert world.member.full_name in text
    # A flag's nominee is named with the block it leads.
    assert f"{flag.unit_name} Đơn vị dẫn đầu {years[0].block.name}" in text
    assert "Văn phòng Tỉnh ủy" in text and "Bằng khen của Chủ tịch" in text
    assert "Không thông qua (vượt số lượng tối đa)" in text
    assert "không quá 20% của 6 đơn vị dẫn đầu các khối, tức tối đa 1 đơn vị" in text
    assert (
        f"Cờ thi đua của Chính phủ: đề nghị 2, thông qua 1: {flag.unit_name}"
        f" ({years[0].block.name})." in text
    )
    assert session.results_sha256 in text.replace(" ", "")
