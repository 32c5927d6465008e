"""An archived year is read-only for everyone: every service that writes to a year, or to
anything in it, refuses once the year is archived, even when the site administrator calls it from
a view, the admin, a command or the shell, and nothing changes in the database or the storage.

Each row prepares what its service needs while the year is still open (so that the service would
otherwise have something to do), and returns the call to make once the year is archived.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from emulation.errors import DomainError
from tests import counting
from tests.factories import YEAR, World, archive, make_unit, rows

pytestmark = pytest.mark.django_db

D = datetime.date
Call = Callable[[], Any]
Case = Callable[[World], Call]
REFUSED = "The year {year} of {block} is archived: it can no longer change."
APPS = {"emulation", "blocks", "covenants", "scoring", "awards"}


def database() -> dict[str, list[dict[str, Any]]]:
    return rows(*APPS)


def stored() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*")} if root.exists() else set()


# The registry ---------------------------------------------------------------------------------


def update_block_year(w: World) -> Call:
    from blocks import services

    return lambda: services.update_block_year(w.block_year, by=w.admin, theme="Đoàn kết")


def set_deadlines(w: World) -> Call:
    from django.utils import timezone

    from blocks import services

    later = timezone.localdate() + datetime.timedelta(days=5)
    return lambda: services.set_deadlines(w.block_year, by=w.secretariat, ballot_deadline=later)


def add_member(w: World) -> Call:
    from blocks import services

    newcomer = make_unit(w.authority)
    return lambda: services.add_member(w.block_year, newcomer, by=w.admin, joined_on=D(YEAR, 3, 1))


def add_members(w: World) -> Call:
    from blocks.imports import services

    newcomer = make_unit(w.authority)
    return lambda: services.add_members(w.block_year, [(newcomer, D(YEAR, 3, 1))], by=w.admin)


def end_membership(w: World) -> Call:
    from blocks import services

    membership = w.block_year.memberships.get(unit=w.units[3])
    return lambda: services.end_membership(
        membership, by=w.admin, left_on=D(YEAR, 6, 30), reason="Giải thể"
    )


def set_leadership(w: World) -> Call:
    from blocks import services

    return lambda: services.set_leadership(
        w.block_year, by=w.admin, head=w.units[2], deputies=[w.units[3]]
    )


def create_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.create_activity(
        w.block_year, by=w.admin, title="Hội thao", date=D(YEAR, 5, 1)
    )


def update_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.update_activity(w.activity, by=w.admin, title="Hội thao khối")


def record_contribution(w: World) -> Call:
    from blocks import services

    return lambda: services.record_contribution(
        w.activity, w.units[2], by=w.admin, books=10, money_vnd=1_000_000
    )


# The year's documents, registrations and signatures ------------------------------------------


def create_document(w: World) -> Call:
    from covenants import services

    return lambda: services.create_document(
        w.block_year, by=w.admin, kind="rules", title="Quy chế hoạt động", body="Điều 1."
    )


def revise_document(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.revise_document(
        document, by=w.admin, change_note="Sửa lời nói đầu", preamble="Lời nói đầu mới."
    )


def copy_last_years_documents(w: World) -> Call:
    from covenants import services
    from tests.factories import make_block_year

    last_year = make_block_year(w.block, w.units, year=YEAR - 1, head=w.units[0])
    services.create_document(last_year, by=w.staff, kind="rules", title="Quy chế", body="Điều 1.")
    return lambda: services.copy_last_years_documents(w.block_year, by=w.admin)


def open_consultation(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.open_consultation(document, by=w.admin, until=D(2100, 1, 1))


def _in_consultation(w: World) -> Any:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    services.open_consultation(document, by=w.secretariat, until=D(2100, 1, 1))
    return document


def add_comment(w: World) -> Call:
    from covenants import services

    document = _in_consultation(w)
    return lambda: services.add_comment(document, w.units[2], by=w.admin, text="Góp ý")


def answer_comment(w: World) -> Call:
    from covenants import services

    comment = services.add_comment(_in_consultation(w), w.units[2], by=w.leader, text="Góp ý")
    return lambda: services.answer_comment(comment, by=w.admin, answer="accepted", text="")


def adopt_document(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.adopt_document(document, by=w.admin)


def register_targets(w: World) -> Call:
    from covenants import services

    return lambda: services.register_targets(
        w.block_year, w.units[2], by=w.admin, targets="Hoàn thành nhiệm vụ", aims=["excellent"]
    )


def copy_last_year_registrations(w: World) -> Call:
    from covenants import services
    from covenants.models import Registration
    from tests.factories import make_block_year

    previous = make_block_year(w.block, w.units, year=YEAR - 1, head=w.units[1])
    Registration.objects.create(
        block_year=previous, unit=w.units[2], targets="Mục tiêu", registered_by=w.leader
    )
    return lambda: services.copy_last_year_registrations(w.block_year, by=w.admin)


def review_registration(w: World) -> Call:
    from covenants import services

    registration = services.register_targets(
        w.block_year, w.units[2], by=w.leader, targets="Mục tiêu", aims=["excellent"]
    )
    return lambda: services.review_registration(registration, by=w.admin, approve=True)


def open_signing(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="adopted")
    return lambda: services.open_signing(document, by=w.admin, deadline=D(2100, 1, 1))


def sign_covenant(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    return lambda: services.sign_covenant(document, w.units[2], by=w.admin, password="demo12345")


def remind_unsigned_units(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    return lambda: services.remind_unsigned_units(document, by=w.admin)


def record_paper_signature(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: services.record_paper_signature(
        document,
        w.units[3],
        by=w.admin,
        signer_name="Bùi Văn Toàn",
        signer_title="Tổng Biên tập",
        signed_on=D(YEAR, 1, 15),
        scan=scan,
    )


# Scoring ------------------------------------------------------------------------------------


def _sample_table(w: World) -> Any:
    from tests.factories import make_criteria_table

    return make_criteria_table(w, adopted=False)


def replace_table(w: World) -> Call:
    from scoring import services

    table = _sample_table(w)
    data = services.table_data(table)
    return lambda: services.replace_table(w.block_year, data, by=w.admin, change_note="Sửa")


def import_table(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services
    from tests.factories import SAMPLE_CRITERIA

    content = (Path(__file__).resolve().parents[1] / SAMPLE_CRITERIA).read_bytes()
    upload = SimpleUploadedFile("tieu-chi.csv", content, content_type="text/csv")
    return lambda: services.import_table(w.block_year, upload, by=w.admin)


def copy_previous_table(w: World) -> Call:
    from covenants.models import Document
    from scoring import services
    from scoring.models import CriteriaTable
    from tests.factories import make_block_year

    last_year = make_block_year(w.block, w.units, year=YEAR - 1, head=w.units[0])
    table = _sample_table(w)
    CriteriaTable.objects.filter(pk=table.pk).update(block_year=last_year)
    Document.objects.filter(pk=table.document_id).update(block_year=last_year)
    return lambda: services.copy_previous_table(w.block_year, by=w.admin)


def update_criterion(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    criterion = _sample_table(w).criteria.get(code="I.1")
    return lambda: services.update_criterion(
        criterion,
        by=w.admin,
        title_vi="Tiêu chí mới",
        title_en="",
        guidance="",
        max_points=Decimal(criterion.max_points),
        evidence_required=True,
    )


def update_settings(w: World) -> Call:
    from scoring import services

    table = _sample_table(w)
    data = services.table_data(table)
    return lambda: services.update_settings(
        table,
        by=w.admin,
        scale=data.scale,
        tie_break=data.tie_break,
        bands=data.bands,
        response_days=table.response_days + 2,
    )


def open_self_assessment(w: World) -> Call:
    from scoring import services
    from tests.factories import make_covenant_in_force, make_criteria_table

    make_covenant_in_force(w)
    table = make_criteria_table(w)
    return lambda: services.open_self_assessment(table, by=w.admin, deadline=D(2100, 1, 1))


def _sheet(w: World, status: str = "draft") -> Any:
    from scoring.models import ScoreSheet
    from tests.factories import open_assessment

    sheet = open_assessment(w).sheets.get(unit=w.units[2])
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=status)
    sheet.refresh_from_db()
    return sheet


def save_self_score(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    return lambda: services.save_self_score(
        score, by=w.admin, points=Decimal(5), explanation="Hoàn thành"
    )


def add_evidence(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: services.add_evidence(score, by=w.admin, uploaded=pdf)


def add_evidence_files(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: services.add_evidence_files(score, by=w.admin, files=[pdf])


def remove_evidence(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence = services.add_evidence(score, by=w.officer, uploaded=pdf)
    return lambda: services.remove_evidence(evidence, by=w.admin)


def submit_sheet(w: World) -> Call:
    from scoring import services
    from tests.factories import fill_sheet

    sheet = _sheet(w)
    fill_sheet(sheet, w.officer)
    return lambda: services.submit_sheet(sheet, by=w.admin)


def reopen_sheet(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.reopen_sheet(
        sheet, by=w.admin, reason="Bổ sung minh chứng", until=D(2100, 1, 1)
    )


def assign_reviewer(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.assign_reviewer(sheet, by=w.admin, reviewer_unit=w.units[3])


def review_score(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    score = _sheet(w, "submitted").scores.get(criterion__code="I.1")
    return lambda: services.review_score(score, by=w.admin, points=Decimal(0), reason="Thiếu")


def send_review_results(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.send_review_results(sheet, by=w.admin)


def accept_review(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "returned")
    return lambda: services.accept_review(sheet, by=w.admin)


def respond_to_review(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "returned")
    return lambda: services.respond_to_review(sheet, by=w.admin, text="Đề nghị xem lại")


def finalise_sheet(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "accepted")
    return lambda: services.finalise_sheet(sheet, by=w.admin)


def _final_sheets(w: World) -> Any:
    from scoring.models import ScoreSheet
    from tests.factories import open_assessment

    table = open_assessment(w)
    ScoreSheet.objects.filter(table=table).update(status=ScoreSheet.Status.FINAL)
    return table


def freeze_ranking(w: World) -> Call:
    from django.utils import timezone

    from scoring import services

    table = _final_sheets(w)
    return lambda: services.freeze_ranking(table, by=w.admin, when=timezone.now())


def publish_ranking(w: World) -> Call:
    from scoring import services

    table = _final_sheets(w)
    return lambda: services.publish_ranking(table, by=w.admin)


# Ballots, nominations, the dossier and the hand-over -----------------------------------------


def create_ballot(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_published_ranking

    make_published_ranking(w)
    return lambda: ballots.create_ballot(w.block_year, by=w.admin, kind="head")


def open_ballot(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, "head", opened=False)
    counting.seat_board(ballot)
    return lambda: ballots.open_ballot(ballot, by=w.admin)


def cast_vote(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, "head")
    choice = {ballot.candidates.get(unit=w.units[2]).pk: True}
    return lambda: ballots.cast_vote(ballot, by=w.admin, choices=choice)


def close_ballot(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, "head")
    return lambda: ballots.close_ballot(ballot, by=w.admin)


def _counting(w: World) -> Any:
    """Every unit voted; voting is closed and waits for the board's codes."""
    from awards.services import ballots
    from tests.factories import make_ballot, make_leaders

    ballot = make_ballot(w, "acclaim")
    for leader in make_leaders(w):
        ballots.cast_vote(ballot, by=leader, choices={c.pk: True for c in ballot.candidates.all()})
    return ballots.close_ballot(ballot, by=w.secretariat)


def name_board(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot, make_leaders

    ballot = make_ballot(w, "head", opened=False)
    tellers = make_leaders(w)[1:3]
    return lambda: ballots.name_board(ballot, by=w.admin, tellers=tellers, threshold=2)


def take_code(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, "head", opened=False)
    assert ballot.box is not None
    teller = ballot.box.tellers.select_related("user").first()
    assert teller is not None
    return lambda: ballots.take_code(ballot, by=teller.user)


def count_ballot(w: World) -> Call:
    from awards.services import ballots

    ballot = _counting(w)
    codes = counting.CODES[ballot.box_id]
    return lambda: ballots.count_ballot(ballot, by=w.admin, codes=codes)


def void_ballot(w: World) -> Call:
    from awards.services import ballots

    ballot = _counting(w)
    return lambda: ballots.void_ballot(ballot, by=w.admin, reason="Mất mã kiểm phiếu")


def rerun_ballot(w: World) -> Call:
    from awards.services import ballots
    from tests.factories import make_ballot

    void = ballots.close_ballot(make_ballot(w, "head"), by=w.secretariat)
    return lambda: ballots.rerun_ballot(void, by=w.admin, reason="Không đủ số đơn vị")


def record_paper_ballot(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, method="paper")
    counts = {c.pk: (4, 0) for c in ballot.candidates.all()}
    scan = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: ballots.record_paper_ballot(
        ballot, by=w.admin, members=4, cast=4, counts=counts, scan=scan
    )


def ballot_closed(w: World) -> Call:
    from awards.services import after_ballot
    from tests.factories import make_closed_ballot

    ballot = make_closed_ballot(w)
    return lambda: after_ballot.ballot_closed(ballot, by=w.admin)


def nominate_from_ballot(w: World) -> Call:
    from awards.services import dossiers
    from tests.factories import make_closed_ballot

    ballot = make_closed_ballot(w)
    return lambda: dossiers.nominate_from_ballot(ballot, by=w.admin)


def prepare_from_ballot(w: World) -> Call:
    from awards.services import handover
    from tests.factories import make_election

    ballot = make_election(w, "head", w.units[2])
    return lambda: handover.prepare_from_ballot(ballot, by=w.admin)


def issue_minutes(w: World) -> Call:
    from awards.documents import ballot_minutes as minutes
    from tests.factories import make_closed_ballot

    make_closed_ballot(w)
    return lambda: minutes.issue_minutes(w.block_year, by=w.admin)


def _own(w: World, status: str = "draft") -> Any:
    """Unit 3's nomination (the `leader` and `officer` personas), at a status."""
    from awards.models import Nomination
    from tests.factories import make_award_type, make_nominations

    nomination = make_nominations(w, make_award_type().code, units=[w.units[2]])[0]
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    nomination.refresh_from_db()
    return nomination


def save_report(w: World) -> Call:
    from awards.services import dossiers
    from tests.factories import REPORT_TEXT

    nomination = _own(w)
    return lambda: dossiers.save_report(nomination, by=w.admin, **REPORT_TEXT)


def approve_report(w: World) -> Call:
    from awards.services import dossiers
    from tests.factories import REPORT_TEXT

    nomination = _own(w)
    dossiers.save_report(nomination, by=w.officer, **REPORT_TEXT)
    return lambda: dossiers.approve_report(nomination, by=w.admin)


def attest(w: World) -> Call:
    from awards.services import dossiers

    nomination = _own(w)
    answers = dict.fromkeys(nomination.award_type.attestations, True)
    return lambda: dossiers.attest(nomination, by=w.admin, answers=answers)


def refresh_eligibility(w: World) -> Call:
    from awards.services import dossiers

    nomination = _own(w)
    return lambda: dossiers.refresh_eligibility(nomination, by=w.admin)


def add_file(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import dossiers

    nomination = _own(w)
    pdf = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: dossiers.add_file(nomination, by=w.admin, uploaded=pdf)


def remove_file(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import dossiers

    pdf = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    attached = dossiers.add_file(_own(w), by=w.officer, uploaded=pdf)
    return lambda: dossiers.remove_file(attached, by=w.admin)


def withdraw_nomination(w: World) -> Call:
    from awards.services import dossiers

    nomination = _own(w)
    return lambda: dossiers.withdraw_nomination(nomination, by=w.admin, reason="Đơn vị xin rút")


def issue_proposal_letter(w: World) -> Call:
    from awards.documents import ballot_minutes as minutes
    from awards.services import dossiers
    from tests.factories import make_nominations

    make_nominations(w)
    minutes.issue_minutes(w.block_year, by=w.secretariat)
    return lambda: dossiers.issue_proposal_letter(
        w.block_year, by=w.admin, number="05/TTr-KTĐ", signer_name="Nguyễn Văn An", signer_title=""
    )


def submit_dossier(w: World) -> Call:
    from awards.services import dossiers
    from tests.factories import make_complete_dossier

    make_complete_dossier(w)
    return lambda: dossiers.submit_dossier(w.block_year, by=w.admin)


def return_nomination(w: World) -> Call:
    from awards.services import dossiers

    nomination = _own(w, "submitted")
    return lambda: dossiers.return_nomination(nomination, by=w.admin, reason="Thiếu hồ sơ")


def resubmit_nomination(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import dossiers
    from tests.factories import make_sent_dossier

    # Unit 1's nomination: the secretariat persona is one of its officers.
    nomination = next(n for n in make_sent_dossier(w) if n.unit_id == w.units[0].pk)
    dossiers.return_nomination(nomination, by=w.staff, reason="Thiếu hồ sơ")
    pdf = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    dossiers.add_file(nomination, by=w.secretariat, uploaded=pdf)
    return lambda: dossiers.resubmit_nomination(nomination, by=w.admin)


def receive_nomination(w: World) -> Call:
    from awards.services import intake

    nomination = _own(w, "submitted")
    return lambda: intake.receive_nomination(nomination, by=w.admin)


def appraise_nomination(w: World) -> Call:
    from awards.models import Nomination
    from awards.services import dossiers, intake

    nomination = _own(w)
    answers = dict.fromkeys(nomination.award_type.attestations, True)
    dossiers.attest(nomination, by=w.leader, answers=answers)
    Nomination.objects.filter(pk=nomination.pk).update(status="received")
    nomination.refresh_from_db()
    ticked = dict.fromkeys(intake.APPRAISAL_CHECKLIST, True)
    return lambda: intake.appraise_nomination(
        nomination, by=w.admin, checklist=ticked, notes="Đủ điều kiện"
    )


def add_to_agenda(w: World) -> Call:
    from awards.services import sessions
    from tests.awards.matrix_sessions import nominate

    nomination = nominate(w.block_year, w.units[0], "chairman-certificate")
    session = sessions.create_session(
        w.authority, by=w.staff, year=YEAR, title="Phiên họp", held_on=D(YEAR, 12, 20)
    )
    return lambda: sessions.add_to_agenda(session, [nomination], by=w.admin)


def remove_from_agenda(w: World) -> Call:
    from awards.services import sessions
    from tests.awards.matrix_sessions import prepared

    item = prepared(w).items.first()
    return lambda: sessions.remove_from_agenda(item, by=w.admin)


def confirm_handover(w: World) -> Call:
    from awards.models import Handover
    from awards.services import handover
    from tests.factories import make_election

    make_election(w, "head", w.units[2])
    pending = Handover.objects.get(from_year=w.block_year)
    return lambda: handover.confirm_handover(pending, by=w.admin, handover_on=D(YEAR + 1, 1, 1))


def waive_ballot(w: World) -> Call:
    from awards.services import closing
    from tests.factories import make_published_ranking

    make_published_ranking(w)
    return lambda: closing.waive_ballot(w.block_year, by=w.admin, kind="acclaim", reason="Lý do.")


def record_no_proposals(w: World) -> Call:
    from awards.services import closing
    from tests.factories import make_published_ranking

    make_published_ranking(w)
    return lambda: closing.record_no_proposals(w.block_year, by=w.admin, reason="Lý do.")


def close_returned_nomination(w: World) -> Call:
    from awards.services import closing, dossiers
    from tests.factories import make_sent_dossier

    first, *_rest = make_sent_dossier(w)
    dossiers.return_nomination(first, by=w.staff, reason="Thiếu minh chứng.")
    return lambda: closing.close_returned_nomination(first, by=w.admin, reason="Lý do.")


def propose_person(w: World) -> Call:
    from awards.models import AwardType
    from awards.services import proposals
    from tests.factories import make_person

    person = make_person(w.units[2])
    award = AwardType.objects.get(code="chairman-certificate-individual")
    return lambda: proposals.propose_person(
        w.block_year, award, person, by=w.officer, summary="Thành tích."
    )


def withdraw_proposal(w: World) -> Call:
    from awards.models import AwardType
    from awards.services import proposals
    from tests.factories import make_person

    award = AwardType.objects.get(code="chairman-certificate-individual")
    proposal = proposals.propose_person(
        w.block_year, award, make_person(w.units[2]), by=w.officer, summary="Thành tích."
    )
    return lambda: proposals.withdraw_proposal(proposal, by=w.officer, reason="Nhầm.")


SERVICES: dict[str, Case] = {
    "awards.services.proposals.propose_person": propose_person,
    "awards.services.proposals.withdraw_proposal": withdraw_proposal,
    "awards.services.closing.waive_ballot": waive_ballot,
    "awards.services.closing.record_no_proposals": record_no_proposals,
    "awards.services.closing.close_returned_nomination": close_returned_nomination,
    "blocks.services.update_block_year": update_block_year,
    "blocks.services.set_deadlines": set_deadlines,
    "blocks.services.add_member": add_member,
    "blocks.imports.services.add_members": add_members,
    "blocks.services.end_membership": end_membership,
    "blocks.services.set_leadership": set_leadership,
    "blocks.services.create_activity": create_activity,
    "blocks.services.update_activity": update_activity,
    "blocks.services.record_contribution": record_contribution,
    "covenants.services.create_document": create_document,
    "covenants.services.revise_document": revise_document,
    "covenants.services.copy_last_years_documents": copy_last_years_documents,
    "covenants.services.open_consultation": open_consultation,
    "covenants.services.add_comment": add_comment,
    "covenants.services.answer_comment": answer_comment,
    "covenants.services.adopt_document": adopt_document,
    "covenants.services.register_targets": register_targets,
    "covenants.services.copy_last_year_registrations": copy_last_year_registrations,
    "covenants.services.review_registration": review_registration,
    "covenants.services.open_signing": open_signing,
    "covenants.services.sign_covenant": sign_covenant,
    "covenants.services.record_paper_signature": record_paper_signature,
    "covenants.services.remind_unsigned_units": remind_unsigned_units,
    "scoring.services.replace_table": replace_table,
    "scoring.services.import_table": import_table,
    "scoring.services.copy_previous_table": copy_previous_table,
    "scoring.services.update_criterion": update_criterion,
    "scoring.services.update_settings": update_settings,
    "scoring.services.open_self_assessment": open_self_assessment,
    "scoring.services.save_self_score": save_self_score,
    "scoring.services.add_evidence": add_evidence,
    "scoring.services.add_evidence_files": add_evidence_files,
    "scoring.services.remove_evidence": remove_evidence,
    "scoring.services.submit_sheet": submit_sheet,
    "scoring.services.reopen_sheet": reopen_sheet,
    "scoring.services.assign_reviewer": assign_reviewer,
    "scoring.services.review_score": review_score,
    "scoring.services.send_review_results": send_review_results,
    "scoring.services.accept_review": accept_review,
    "scoring.services.respond_to_review": respond_to_review,
    "scoring.services.finalise_sheet": finalise_sheet,
    "scoring.services.freeze_ranking": freeze_ranking,
    "scoring.services.publish_ranking": publish_ranking,
    "awards.services.ballots.create_ballot": create_ballot,
    "awards.services.ballots.open_ballot": open_ballot,
    "awards.services.ballots.cast_vote": cast_vote,
    "awards.services.ballots.close_ballot": close_ballot,
    "awards.services.ballots.name_board": name_board,
    "awards.services.ballots.take_code": take_code,
    "awards.services.ballots.count_ballot": count_ballot,
    "awards.services.ballots.void_ballot": void_ballot,
    "awards.services.ballots.rerun_ballot": rerun_ballot,
    "awards.services.ballots.record_paper_ballot": record_paper_ballot,
    "awards.services.after_ballot.ballot_closed": ballot_closed,
    "awards.services.dossiers.nominate_from_ballot": nominate_from_ballot,
    "awards.services.handover.prepare_from_ballot": prepare_from_ballot,
    "awards.documents.ballot_minutes.issue_minutes": issue_minutes,
    "awards.services.dossiers.save_report": save_report,
    "awards.services.dossiers.approve_report": approve_report,
    "awards.services.dossiers.attest": attest,
    "awards.services.dossiers.refresh_eligibility": refresh_eligibility,
    "awards.services.dossiers.add_file": add_file,
    "awards.services.dossiers.remove_file": remove_file,
    "awards.services.dossiers.withdraw_nomination": withdraw_nomination,
    "awards.services.dossiers.issue_proposal_letter": issue_proposal_letter,
    "awards.services.dossiers.submit_dossier": submit_dossier,
    "awards.services.dossiers.return_nomination": return_nomination,
    "awards.services.dossiers.resubmit_nomination": resubmit_nomination,
    "awards.services.intake.receive_nomination": receive_nomination,
    "awards.services.intake.appraise_nomination": appraise_nomination,
    "awards.services.sessions.add_to_agenda": add_to_agenda,
    "awards.services.sessions.remove_from_agenda": remove_from_agenda,
    "awards.services.handover.confirm_handover": confirm_handover,
}


# What does not refuse an archived year, and why.
# Archiving needs every nomination the council holds decided and, when approved, in a published
# decision: a year with a nomination on an agenda or awaiting a decision is not archived.
COUNCIL_SESSION = "the council's own; its agenda holds undecided nominations only"
COUNCIL_DECISION = "the council's own; it lists approved nominations awaiting a decision only"
RENDERED_BY_A_SERVICE = "rendered inside the service that issues it, which refuses first"
ONE_BY_ONE = "acts on each item through the one-by-one service above, which refuses first"
FOLLOWS_A_DEADLINE = (
    "called only by the registry's services that change a deadline, which refuse first"
)
LEFT_ALONE: dict[str, str] = {
    "awards.services.revocations.revoke_award": (
        "a later decision of the authority, often years after the award (Law, Chapter VII)"
    ),
    "awards.services.submissions.issue_submission": "the council's own document, not a year's",
    "blocks.imports.staging.stage_import": "keeps a file for its preview; changes no year",
    "blocks.imports.staging.confirm_import": (
        "an archived year is a problem of the preview, and the members it adds go through"
        " add_member and set_leadership, which refuse archived years"
    ),
    "blocks.imports.staging.discard_import": "forgets a staged file; changes no year",
    "blocks.imports.staging.plan_of": "reads a staged file for its preview; changes nothing",
    "blocks.imports.services.create_authority": "an authority, not a year",
    "blocks.imports.services.update_authority": "an authority, not a year",
    "blocks.imports.services.record_succession": "lineage of units, not a year",
    "blocks.imports.services.invite_people": "accounts, not a year",
    "blocks.imports.services.create_units": "units, not a year",
    "blocks.imports.services.grant_unit_roles": "roles in units, not a year",
    "blocks.imports.services.create_unit_people": "units' records of people, not a year",
    "blocks.services.create_block": "a block, not a year",
    "blocks.services.update_block": "a block, not a year",
    "blocks.services.create_block_year": "opens another year",
    "blocks.services.create_unit": "a unit, not a year",
    "blocks.services.update_unit": "a unit, not a year",
    "blocks.services.rename_unit": "archived years keep the former name by its dates",
    "blocks.services.merge_units": "leaves the members of archived years as they were",
    "blocks.services.split_unit": "leaves the members of archived years as they were",
    "awards.services.decisions.issue_certificates_of": (
        "runs after a decision is issued, which refuses an archived year first"
    ),
    "awards.documents.ballot_minutes.default_signers": "reads who signs; changes nothing",
    "awards.documents.session_minutes.default_signers": "reads who signs; changes nothing",
    "blocks.services.merge_authorities": (
        "moves units and blocks, whose archived years keep their members, records and documents"
    ),
    "blocks.services.create_person": "a person, not a year",
    "blocks.services.add_person": "a unit's record of a person, not a year",
    "blocks.services.update_person": "a unit's record of a person, not a year",
    "blocks.services.mark_person_left": (
        "a unit's record of a person; what archived years proposed keeps the name as it stood"
    ),
    "blocks.services.assign_unit_role": "a person's role in a unit, not a year",
    "blocks.services.remove_unit_role": "a person's role in a unit, not a year",
    "blocks.services.assign_council_role": "a person's role in a council, not a year",
    "awards.services.archive.archive_year": "archiving itself: a year is archived once",
    "covenants.services.follow_signing_deadline": FOLLOWS_A_DEADLINE,
    "covenants.services.open_consultations": ONE_BY_ONE,
    "covenants.services.review_registrations": ONE_BY_ONE,
    "covenants.services.adopt_documents": ONE_BY_ONE,
    "scoring.services.send_unchanged_review_results": ONE_BY_ONE,
    "scoring.services.finalise_settled_sheets": ONE_BY_ONE,
    "awards.services.ballots.open_ballots": ONE_BY_ONE,
    "awards.services.ballots.close_ballots": ONE_BY_ONE,
    "scoring.services.follow_self_assessment_deadline": FOLLOWS_A_DEADLINE,
    "awards.services.handover.apply_handover": (
        "carries out what the council confirmed before archiving, in next year only"
    ),
    "awards.services.sessions.create_session": COUNCIL_SESSION,
    "awards.services.sessions.record_attendance": COUNCIL_SESSION,
    "awards.services.sessions.open_session": COUNCIL_SESSION,
    "awards.services.sessions.cast_council_vote": COUNCIL_SESSION,
    "awards.services.sessions.close_session": COUNCIL_SESSION,
    "awards.services.sessions.name_board": COUNCIL_SESSION,
    "awards.services.sessions.take_code": COUNCIL_SESSION,
    "awards.services.sessions.count_session": COUNCIL_SESSION,
    "awards.services.sessions.void_session": COUNCIL_SESSION,
    "awards.services.sessions.rerun_session": COUNCIL_SESSION,
    "awards.services.voting.cast": (
        "the voting core, called only inside the ballot's or session's service, which refuses first"
    ),
    "awards.services.sessions.record_paper_counts": COUNCIL_SESSION,
    "awards.documents.session_minutes.issue_session_minutes": COUNCIL_SESSION,
    "awards.documents.decisions.issue_decision_document": COUNCIL_DECISION,
    "awards.documents.decisions.issue_certificate": COUNCIL_DECISION,
    "awards.documents.submissions.issue_submission_document": COUNCIL_DECISION,
    "awards.documents.revocations.issue_revocation_document": (
        "rendered inside revoke_award, a later decision of the authority"
    ),
    "awards.documents.letters.issue_proposal_letter": RENDERED_BY_A_SERVICE,
    "awards.documents.letters.issue_achievement_report": RENDERED_BY_A_SERVICE,
    "awards.services.decisions.draft_decision": COUNCIL_DECISION,
    "awards.services.decisions.update_decision": COUNCIL_DECISION,
    "awards.services.decisions.discard_decision": COUNCIL_DECISION,
    "awards.services.decisions.issue_decision": COUNCIL_DECISION,
    "awards.services.decisions.publish_decision": COUNCIL_DECISION,
    "awards.services.catalogue.set_cap_base": (
        "the council's base for a year's 20 per cent, not a block year's object"
    ),
    "awards.services.catalogue.add_past_record": (
        "a unit's history from the years before the app, not a block year's object"
    ),
}


def acting_services() -> set[str]:
    """Every public function of the apps' services and issued documents that takes the person
    acting (`by`)."""
    import importlib
    import inspect
    import pkgutil

    import awards.documents
    import awards.services

    names = [
        "blocks.services",
        "blocks.imports.services",
        "blocks.imports.staging",
        "covenants.services",
        "scoring.services",
    ]
    for package in (awards.services, awards.documents):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    found = set()
    for name in names:
        for attr, function in inspect.getmembers(importlib.import_module(name), inspect.isfunction):
            if (
                function.__module__ == name
                and not attr.startswith("_")
                and "by" in inspect.signature(function).parameters
            ):
                found.add(f"{name}.{attr}")
    return found


def test_every_service_that_acts_refuses_an_archived_year_or_says_why_not() -> None:
    services = acting_services()
    assert services - SERVICES.keys() - LEFT_ALONE.keys() == set()
    assert LEFT_ALONE.keys() - services == set()
    assert SERVICES.keys() & LEFT_ALONE.keys() == set()


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_not_even_the_site_administrator_changes_an_archived_year(name: str, world: World) -> None:
    call = SERVICES[name](world)
    archived = archive(world)
    before, files = database(), stored()
    with translation.override("en"), pytest.raises(DomainError) as refused:
        call()
    assert refused.value.message == REFUSED.format(year=YEAR, block=archived.block.name)
    assert database() == before
    assert stored() == files


# Reminders -----------------------------------------------------------------------------------


def signing_reminders(w: World) -> Call:
    from django.utils import timezone

    from covenants import services
    from covenants.models import Document
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    Document.objects.filter(pk=document.pk).update(
        signing_deadline=timezone.localdate() + datetime.timedelta(days=2)
    )
    return services.send_signing_reminders


def assessment_reminders(w: World) -> Call:
    from scoring import services
    from tests.factories import open_assessment

    open_assessment(w, days=2)
    return services.send_assessment_reminders


def ballot_reminders(w: World) -> Call:
    from django.utils import timezone

    from awards.models import Ballot
    from awards.services import ballots
    from tests.factories import make_ballot

    ballot = make_ballot(w, "head")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Ballot.objects.filter(pk=ballot.pk).update(closes_on=tomorrow)
    return ballots.send_ballot_reminders


REMINDERS: dict[str, Case] = {
    "covenants.services.send_signing_reminders": signing_reminders,
    "scoring.services.send_assessment_reminders": assessment_reminders,
    "awards.services.ballots.send_ballot_reminders": ballot_reminders,
}


@pytest.mark.parametrize("name", sorted(REMINDERS))
def test_nobody_is_reminded_of_a_step_of_an_archived_year(
    name: str, world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    send = REMINDERS[name](world)
    archive(world)
    before = database()
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0
    assert database() == before
    assert mailoutbox == []
