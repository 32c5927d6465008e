"""The minutes of the deliberation meeting and vote results: an issued PDF in the official format,
filed in the year's dossier."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from awards.documents import ballot_minutes
from awards.models import Ballot, Dossier
from awards.services import ballots
from emulation.errors import DomainError
from emulation.models import AuditEvent, IssuedDocument
from tests import counting
from tests.factories import World, make_ballot, make_closed_ballot, make_leaders

pytestmark = pytest.mark.django_db


def pdf_text(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text().split()) for p in pages))


def test_no_minutes_without_a_closed_ballot(world: World) -> None:
    with pytest.raises(DomainError, match="No ballot has been closed yet"):
        ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    make_ballot(world, kind="head")
    with pytest.raises(DomainError, match="No ballot has been closed yet"):
        ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert not IssuedDocument.objects.exists() and not Dossier.objects.exists()


def test_no_minutes_while_a_ballot_is_still_open_or_being_prepared(world: World) -> None:
    make_closed_ballot(world, kind="acclaim")
    open_one = make_ballot(world, kind="head")
    with pytest.raises(DomainError, match="Close or record every ballot"):
        ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    counting.close_ballot(open_one, by=world.secretariat)
    make_ballot(world, kind="deputy", opened=False)
    with pytest.raises(DomainError, match="Close or record every ballot"):
        ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert not IssuedDocument.objects.filter(kind="minutes").exists()


def test_the_minutes_give_the_ranking_and_every_ballots_rules_counts_and_outcome(
    world: World,
) -> None:
    nomination = make_closed_ballot(world)  # the Chairman's certificate, all agree
    election = make_ballot(world, kind="head", method="paper")
    scan = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    counts = {c.pk: (0, 0) for c in election.candidates.all()}
    counts[election.candidates.get(unit=world.units[1]).pk] = (3, 0)
    ballots.record_paper_ballot(
        election, by=world.secretariat, members=4, cast=3, counts=counts, scan=scan
    )
    document = ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert (document.kind, document.issued_by, document.subject_id) == (
        "minutes",
        world.secretariat,
        str(world.block_year.pk),
    )
    text = pdf_text(document)
    for expected in (
        "BIÊN BẢN HỌP BÌNH XÉT VÀ KẾT QUẢ BỎ PHIẾU",
        "KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH QUẢNG TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Năm 2026",
        "Quảng Trị, ngày",
        # The published ranking.
        "1 Văn phòng Tỉnh ủy 105 Hoàn thành xuất sắc nhiệm vụ",
        "4 Ban Tuyên giáo Tỉnh ủy 95 Hoàn thành nhiệm vụ",
        # The nomination ballot: online, 4 of 4, quorum 2/3 = 3, more than half = 3 votes.
        "Bình xét đề nghị khen thưởng: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "bỏ phiếu kín trực tuyến",
        "Số đơn vị thành viên có quyền bỏ phiếu: 4",
        "Số phiếu thu về: 4",
        "(2/3): 3 – đủ điều kiện",
        "trên 1/2 tổng số đơn vị thành viên (ít nhất 3 phiếu)",
        "Văn phòng Tỉnh ủy 4 0 Được đề nghị",
        # The paper election: 3 of 4 cast, the Organisation Board chosen.
        "Bầu đơn vị Trưởng khối năm sau",
        "bỏ phiếu kín bằng phiếu giấy tại cuộc họp",
        "Số phiếu thu về: 3",
        "Ban Tổ chức Tỉnh ủy 3 Trúng cử",
        "Văn phòng Tỉnh ủy 0 Không trúng cử",
        # Numbered in the block's register, signed by persons, and verifiable.
        "Số: 1/BB-KTĐ",
        "THƯ KÝ",
        "CHỦ TRÌ",
        world.secretariat.get_full_name(),
        document.display_code,
    ):
        assert expected in text, expected
    # A long hash may wrap onto two lines.
    assert nomination.results_sha256 in text.replace(" ", "")
    assert document.metadata["ballots"][0]["results"][0] == {
        "unit": "Văn phòng Tỉnh ủy",
        "agree": 4,
        "disagree": 0,
        "elected": True,
    }
    assert [b["method"] for b in document.metadata["ballots"]] == ["online", "paper"]
    dossier = Dossier.objects.get(block_year=world.block_year)
    assert dossier.minutes == document
    assert AuditEvent.objects.filter(action="awards.minutes.issued").count() == 1


def test_without_quorum_the_minutes_say_so(world: World) -> None:
    ballot = make_ballot(world, kind="acclaim")
    ballots.cast_vote(ballot, by=world.leader, choices={ballot.candidates.get().pk: True})
    counting.close_ballot(ballot, by=world.secretariat)
    text = pdf_text(ballot_minutes.issue_minutes(world.block_year, by=world.secretariat))
    assert "(2/3): 3 – không đủ điều kiện" in text
    assert "Không đủ số đơn vị tham gia bỏ phiếu" in text


def test_issuing_again_replaces_the_minutes_until_the_dossier_is_sent(world: World) -> None:
    make_closed_ballot(world, kind="acclaim")
    first = ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    second = ballot_minutes.issue_minutes(world.block_year, by=world.staff)
    assert first.code != second.code
    assert Dossier.objects.get().minutes == second
    Dossier.objects.update(status=Dossier.Status.SUBMITTED)
    with pytest.raises(DomainError, match="sent to the council"):
        ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    assert Dossier.objects.get().minutes == second


def test_the_secretariat_issues_and_everyone_downloads_the_minutes(
    world: World, client: Client
) -> None:
    url_pdf = reverse("awards:minutes_pdf", args=[world.block_year.pk])
    issue = reverse("awards:minutes_issue", args=[world.block_year.pk])
    make_closed_ballot(world, kind="acclaim")
    client.force_login(world.leader)
    assert client.get(url_pdf).status_code == 404
    assert client.post(issue).status_code == 403
    client.force_login(world.secretariat)
    listing = client.get(reverse("awards:ballot_list", args=[world.block_year.pk]))
    assert issue in listing.content.decode()
    confirm = client.get(issue)
    assert "Issue the minutes of the deliberation meeting?" in confirm.content.decode()
    response = client.post(issue, follow=True)
    assert "The minutes were issued" in response.content.decode()
    document = Dossier.objects.get().minutes
    assert document is not None
    client.force_login(world.member)
    download = client.get(url_pdf)
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert f"bien-ban-binh-xet-2026-{document.code}.pdf" in download["Content-Disposition"]
    with document.file.open("rb") as handle:
        assert body == handle.read()
    assert (
        url_pdf
        in client.get(reverse("awards:ballot_list", args=[world.block_year.pk])).content.decode()
    )


def test_a_refusal_to_issue_is_shown_on_the_list(world: World, client: Client) -> None:
    make_ballot(world, kind="acclaim")
    client.force_login(world.secretariat)
    response = client.post(reverse("awards:minutes_issue", args=[world.block_year.pk]), follow=True)
    assert "No ballot has been closed yet" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_the_minutes_name_every_member_unit(world: World) -> None:
    make_leaders(world)
    make_closed_ballot(world, kind="head")
    text = pdf_text(ballot_minutes.issue_minutes(world.block_year, by=world.secretariat))
    for unit in world.units:
        assert unit.name in text
    assert "Số đơn vị thành viên: 4" in text
    assert Ballot.objects.get().title  # the heading is written in Vietnamese, not the title
    assert "Elect the head" not in text
