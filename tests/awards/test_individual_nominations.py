"""A person nominated for an award to individuals goes the way a unit goes: the achievement
report in the decree's form for an individual, approved by the leader of the person's unit; the
proposal letter and the manifest; the council's intake, appraisal and session; the decision's
annex and one certificate; the public results. The caps of a share of the leading units do not
count persons; an award's most per block does."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards import caps, history
from awards.documents import ballot_minutes, letters, session_minutes
from awards.models import (
    AgendaItem,
    AwardType,
    BallotCandidate,
    Dossier,
    Nomination,
    PrizeRate,
)
from awards.services import decisions, dossiers, intake, proposals, sessions, submissions
from blocks.models import Person
from emulation.errors import DomainError
from tests import counting
from tests.awards.matrix_decisions import SIGNED_ON
from tests.awards.matrix_sessions import appraised, nominate, prepared, published_blocks
from tests.awards.test_decisions_documents import squeezed, text_of
from tests.awards.test_intake_query_counts import LIST_PINS
from tests.factories import (
    REPORT_TEXT,
    YEAR,
    World,
    at_council_status,
    complete_nomination,
    make_award_type,
    make_leaders,
    make_nominations,
    make_person,
    make_person_nomination,
)

pytestmark = pytest.mark.django_db

ALL_TICKED = dict.fromkeys(intake.APPRAISAL_CHECKLIST, True)
NAME, TITLE = "Trần Thị Bình", "Phó Chánh Văn phòng"


def individual_award(**extra: Any) -> AwardType:
    return make_award_type(  # type: ignore[no-any-return]
        "chairman-certificate-person",
        subject=AwardType.Subject.INDIVIDUAL,
        name_vi="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh tặng cá nhân",
        name_en="Chairman's Certificate of Merit for an individual",
        decided_by="Chủ tịch UBND tỉnh",
        **extra,
    )


def person_of(world: World, unit: int = 0) -> Person:
    return make_person(world.units[unit], NAME, title=TITLE, gender="female", birth_year=1980)


def issued_decision(world: World, award: AwardType) -> Any:
    """The council's decision on every approved nomination for the award, drafted and issued."""
    decision = decisions.draft_decision(
        world.authority,
        YEAR,
        award,
        by=world.staff,
        number="125/QĐ-UBND",
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="CHỦ TỊCH",
        legal_bases=decisions.default_legal_bases(award),
    )
    return decisions.issue_decision(decision, by=world.staff)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


# The report ---------------------------------------------------------------------------------


def test_the_report_of_a_person_is_in_the_form_for_an_individual(
    client: Client, world: World
) -> None:
    make_leaders(world)
    nomination = make_person_nomination(world, individual_award(), person_of(world))
    leader = world.units[0].roles.get(role="leader").user
    page = login(client, leader).get(reverse("awards:nomination_report", args=[nomination.pk]))
    text = page.content.decode()
    assert "Brief personal history" in text or "Sơ lược lý lịch" in text
    assert "Characteristics and tasks of the unit" not in text

    nomination = complete_nomination(nomination)  # the leader of the person's unit approves
    assert nomination.report_approved_by == leader
    document = nomination.report_document
    assert document is not None
    pdf = text_of(document)
    for expected in (
        "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG",
        "I. SƠ LƯỢC LÝ LỊCH",
        NAME,
        TITLE,
        "Năm sinh",
        "1980",
        "Nữ",
        world.units[0].name,
        "1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận",
        "2. Thành tích đạt được của cá nhân",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        leader.get_full_name(),
    ):
        assert expected in pdf, expected
    assert "SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" not in pdf
    assert document.metadata["person"] == NAME and document.metadata["title"] == TITLE

    detail = client.get(nomination.get_absolute_url()).content.decode()
    assert NAME in detail and TITLE in detail


def test_only_the_leader_of_the_persons_unit_approves_the_report(world: World) -> None:
    make_leaders(world)
    nomination = make_person_nomination(world, individual_award(), person_of(world, unit=0))
    dossiers.save_report(nomination, by=world.units[0].roles.get(role="leader").user, **REPORT_TEXT)
    with pytest.raises(DomainError):
        dossiers.approve_report(nomination, by=world.leader)  # the leader of unit 3


# From the proposal to the published certificate -------------------------------------------------


def test_a_person_goes_from_the_blocks_proposal_to_a_published_certificate(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # The real way in: the unit proposes its person, the block's ballot carries them.
    award = AwardType.objects.get(code="chairman-certificate-individual")
    person = person_of(world)
    units = [complete_nomination(n) for n in make_nominations(world)]
    leader = make_leaders(world)[0]
    proposals.propose_person(world.block_year, award, person, by=leader, summary="Hai sáng kiến.")
    (nomination,) = make_nominations(world, award.code)
    assert nomination.person == person
    nomination = complete_nomination(nomination)
    ballot_minutes.issue_minutes(world.block_year, by=world.secretariat)
    letter = dossiers.issue_proposal_letter(
        world.block_year,
        by=world.secretariat,
        number="05/TTr-KTĐ",
        signer_name="Nguyễn Văn An",
        signer_title="Chánh Văn phòng Tỉnh ủy",
    )
    # The letter: the collectives, then the individuals with their title and unit.
    text = text_of(letter)
    assert "A. TẬP THỂ" in text and "B. CÁ NHÂN" in text
    assert text.index("A. TẬP THỂ") < text.index("B. CÁ NHÂN")
    individuals = squeezed(text[text.index("B. CÁ NHÂN") :])
    for part in (NAME, TITLE, world.units[0].name):
        assert squeezed(part) in individuals, part
    assert "3 lượt tập thể và 1 lượt cá nhân" in text
    assert {"unit": world.units[0].name, "person": NAME, "title": TITLE}.items() <= next(
        n for n in letter.metadata["nominees"] if n.get("person")
    ).items()

    # The dossier's page shows the person; the manifest names them.
    page = login(client, world.secretariat).get(
        reverse("awards:dossier_detail", args=[world.block_year.pk])
    )
    assert NAME in page.content.decode()
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    manifest = Dossier.objects.get(block_year=world.block_year).manifest
    reports = [d for d in manifest["documents"] if d.get("nomination") == nomination.pk]
    assert reports and all(d["person"] == NAME and d["title"] == TITLE for d in reports)
    assert all(
        "person" not in d for d in manifest["documents"] if d.get("nomination") == units[0].pk
    )

    # The council receives and appraises the person, and its pages name them.
    nomination.refresh_from_db()
    intake.receive_nomination(nomination, by=world.staff)
    intake.appraise_nomination(nomination, by=world.staff, checklist=ALL_TICKED, notes="Đủ.")
    staff = login(Client(), world.staff)
    listed = staff.get(reverse("awards:intake_list", args=[world.authority.pk, YEAR]))
    assert NAME in listed.content.decode()
    searched = staff.get(
        reverse("awards:intake_list", args=[world.authority.pk, YEAR]), {"q": "tran thi binh"}
    ).content.decode()
    assert NAME in searched and units[1].unit_name not in searched
    detail = staff.get(reverse("awards:intake_detail", args=[nomination.pk])).content.decode()
    assert NAME in detail and TITLE in detail

    # The session votes on the person by secret ballot.
    session = prepared(world, nominations=[nomination])
    agenda = staff.get(reverse("awards:session_detail", args=[session.pk])).content.decode()
    assert NAME in agenda
    counting.open_session(session, by=world.staff)
    member = login(Client(), world.member)
    vote_page = member.get(reverse("awards:session_vote", args=[session.pk])).content.decode()
    assert NAME in vote_page
    item = session.items.get()
    sessions.cast_council_vote(session, by=world.member, choices={item.pk: True})
    session = counting.close_session(session, by=world.staff)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.APPROVED
    assert sessions.results_of(session)[0]["unit"] == f"{NAME}, {TITLE}, {world.units[0].name}"
    minutes = text_of(session_minutes.issue_session_minutes(session, by=world.staff))
    assert "Tập thể, cá nhân" in minutes and squeezed(NAME) in squeezed(minutes)

    # The Department's submission to the Chairman lists the person.
    submission = submissions.issue_submission(
        world.authority,
        YEAR,
        by=world.staff,
        number="45/TTr-SNV",
        signed_on=SIGNED_ON - datetime.timedelta(days=3),
        signer_name="Trần Văn Bình",
    )
    assert submission.document is not None
    submitted = text_of(submission.document)
    assert "1 cá nhân" in submitted and squeezed(NAME) in squeezed(submitted)

    # The decision: the annex's individuals, with their titles; one certificate for the person.
    decision = decisions.draft_decision(
        world.authority,
        YEAR,
        award,
        by=world.staff,
        number="125/QĐ-UBND",
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        legal_bases=decisions.default_legal_bases(award),
    )
    awardee = decision.awardees.get()
    assert (awardee.person_name, awardee.person_title) == (NAME, TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decisions.issue_decision(decision, by=world.staff)
    assert decision.document is not None
    text = text_of(decision.document)
    assert "cho 1 cá nhân" in text
    annex = squeezed(text[text.index("DANH SÁCH") :])
    assert squeezed("CÁ NHÂN ĐƯỢC TẶNG") in annex  # the annex title is in capitals
    assert squeezed("Họ và tên") in annex
    for part in (NAME, TITLE, world.units[0].name):
        assert squeezed(part) in annex, part
    assert decision.document.metadata["awardees"] == [
        {"unit": world.units[0].name, "block": world.block.name, "person": NAME, "title": TITLE}
    ]
    awardee.refresh_from_db()
    assert awardee.certificate is not None
    certificate = text_of(awardee.certificate)
    for expected in ("BẰNG KHEN", NAME, f"{TITLE}, {world.units[0].name}", "125/QĐ-UBND"):
        assert expected in certificate, expected

    # The public results list the person.
    decisions.publish_decision(decision, by=world.staff)
    page = Client().get(reverse("awards:results", args=[world.authority.pk, YEAR]))
    assert f"{NAME}, {TITLE}, {world.units[0].name}" in page.content.decode()


def test_the_annex_lists_collectives_and_individuals_apart(world: World) -> None:
    """An award decided for both (the decision groups by award): the collectives' section,
    then the individuals'."""
    award = AwardType.objects.get(code="chairman-certificate")
    unit = nominate(world.block_year, world.units[1], award.code, status="approved")
    person = make_person_nomination(world, award, person_of(world), status="approved")
    decision = issued_decision(world, award)
    assert decision.document is not None
    text = text_of(decision.document)
    assert "cho 1 tập thể và 1 cá nhân" in text
    annex = text[text.index("DANH SÁCH") :]
    assert "I. TẬP THỂ" in annex and "II. CÁ NHÂN" in annex
    collectives = squeezed(annex[annex.index("I. TẬP THỂ") : annex.index("II. CÁ NHÂN")])
    individuals = squeezed(annex[annex.index("II. CÁ NHÂN") :])
    assert squeezed(unit.unit_name) in collectives and squeezed(NAME) not in collectives
    assert squeezed(NAME) in individuals and squeezed(TITLE) in individuals
    assert person.pk != unit.pk


# The caps ---------------------------------------------------------------------------------------


def test_a_share_of_the_leading_units_does_not_count_persons(world: World) -> None:
    """The Government flag's kind of cap: 20 per cent of five leading units is one; a person
    nominated for the same award takes no room under it, nor counts as proposed."""
    published_blocks(world, 4)
    award = AwardType.objects.get(code="chairman-certificate")
    AwardType.objects.filter(pk=award.pk).update(cap_percent=20, max_per_block=None)
    award.refresh_from_db()
    [collective] = [nominate(world.block_year, world.units[0], award.code)]
    people = [
        make_person_nomination(world, award, make_person(world.units[i]), status="appraised")
        for i in (1, 2)
    ]
    session = prepared(world, nominations=[collective, *people])
    [line] = [line for line in caps.cap_lines(world.authority, YEAR, session) if not line.block]
    assert (line.cap, line.proposed) == (1, 1)
    counting.open_session(session, by=world.staff)
    sessions.cast_council_vote(
        session, by=world.member, choices={i.pk: True for i in session.items.all()}
    )
    counting.close_session(session, by=world.staff)
    outcomes = {i.nomination_id: i.outcome for i in session.items.all()}
    assert set(outcomes.values()) == {AgendaItem.Outcome.APPROVED}
    # Those approved take room for the collectives only.
    assert caps.approved_earlier(world.authority, YEAR, None).by_award == {award.pk: 1}


def test_an_awards_most_per_block_caps_its_persons(world: World) -> None:
    award = individual_award(max_per_block=1)
    people = [
        make_person_nomination(world, award, make_person(world.units[i]), status="appraised")
        for i in (0, 1)
    ]
    session = prepared(world, nominations=people)
    [line] = caps.cap_lines(world.authority, YEAR, session)
    assert (line.block, line.cap, line.proposed) == (world.block.name, 1, 2)
    counting.open_session(session, by=world.staff)
    sessions.cast_council_vote(
        session, by=world.member, choices={i.pk: True for i in session.items.all()}
    )
    counting.close_session(session, by=world.staff)
    outcomes = sorted(i.outcome for i in session.items.all())
    # Tied at the cut-off with as many votes: neither is approved.
    assert outcomes == [AgendaItem.Outcome.CAPPED, AgendaItem.Outcome.CAPPED]


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [1, 5])
def test_the_councils_list_reads_as_many_queries_with_persons(
    client: Client, world: World, people: int, django_assert_max_num_queries: Any
) -> None:
    """The list reads the person's name and title with the row (no query per row)."""
    award = individual_award()
    at_council_status(appraised(world), Nomination.Status.SUBMITTED)
    for _ in range(people):
        make_person_nomination(
            world, award, make_person(world.units[0]), status=Nomination.Status.SUBMITTED
        )
    login(client, world.staff)
    url = reverse("awards:intake_list", args=[world.authority.pk, YEAR])
    client.get(url)  # warm the caches a first visit fills
    # The same pin as the list of units alone.
    with django_assert_max_num_queries(LIST_PINS["staff"]):
        assert client.get(url).status_code == 200


# Prize money -------------------------------------------------------------------------------------


def test_a_persons_prize_is_at_the_rate_of_the_award_to_individuals(world: World) -> None:
    """Rates are per award: the individual award's coefficient prices each person."""
    award = individual_award()
    PrizeRate.objects.create(
        award_type=award,
        coefficient=Decimal("1.0"),
        effective_from=datetime.date(2024, 1, 1),
        legal_basis="(entered by the council)",
    )
    PrizeRate.objects.create(
        award_type=AwardType.objects.get(code="chairman-certificate"),
        coefficient=Decimal("1.5"),
        effective_from=datetime.date(2024, 1, 1),
        legal_basis="(entered by the council)",
    )
    for i in (0, 1):
        make_person_nomination(world, award, make_person(world.units[i]), status="approved")
    decision = issued_decision(world, award)
    assert decision.document is not None
    text = text_of(decision.document)
    assert "Mỗi cá nhân có tên tại Điều 1" in text
    assert "bằng 1 lần mức lương cơ sở (2.340.000 đồng), là 2.340.000 đồng" in text
    assert "tổng số tiền thưởng là 4.680.000 đồng" in text
    annex = squeezed(text[text.index("DANH SÁCH") :])
    assert annex.count("2.340.000") == 2 and "4.680.000" in annex


def test_a_persons_award_is_not_in_their_units_history(world: World) -> None:
    award = individual_award()
    make_person_nomination(world, award, person_of(world), status="approved")
    issued_decision(world, award)
    assert history.of_unit(world.units[0]).awards == []


def test_a_persons_votes_are_their_own_line_of_the_ballot_not_their_units(
    world: World,
) -> None:
    """Where a ballot holds both the unit and one of its people, the person's nomination reads
    the person's line (the letter's votes and the council's view of it)."""
    [unit_nomination, *_] = make_nominations(world)
    ballot = unit_nomination.ballot
    person = make_person(unit_nomination.unit, NAME, title=TITLE)
    BallotCandidate.objects.create(
        ballot=ballot,
        unit=person.unit,
        unit_name=person.unit.name,
        person=person,
        person_name=NAME,
        person_title=TITLE,
        approvals=1,
    )
    nomination = make_person_nomination(
        world, individual_award(), person, status="submitted", ballot=ballot
    )
    found = intake.ballot_result(nomination)
    assert found is not None and found.person_id == person.pk and found.approvals == 1
    [group] = [g for g in letters.nominee_rows([unit_nomination, nomination]) if g["individual"]]
    assert group["rows"][0]["votes"].startswith("1/")
