"""People of units proposed for the Chairman's certificate for individuals: the unit's records,
its proposals, the rules that judge a person, and the block's ballot on them up to nominations."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from awards import eligibility
from awards.models import AwardType, Ballot, Nomination, PersonProposal
from awards.services import ballots
from awards.services import proposals as services
from blocks import services as registry
from blocks.models import Person
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests import counting
from tests.factories import World, archive, make_leaders, make_person, make_published_ranking

CODE = "chairman-certificate-individual"


def individual() -> AwardType:
    return AwardType.objects.get(code=CODE)


def propose(world: World, person: Person, by: User | None = None) -> PersonProposal:
    return services.propose_person(
        world.block_year,
        individual(),
        person,
        by=by or world.officer,
        summary="Hoàn thành xuất sắc nhiệm vụ; hai sáng kiến.",
    )


# The people of a unit -------------------------------------------------------------------------


def test_the_units_officer_records_a_person_and_the_audit_says_so(world: World) -> None:
    person = registry.add_person(
        world.units[2], by=world.officer, full_name="Lê Thị Hoa", title="Trưởng phòng", code="P1"
    )
    assert person.unit == world.units[2] and person.left_on is None
    event = AuditEvent.objects.get(action="blocks.person.added")
    assert (event.after or {})["full_name"] == "Lê Thị Hoa"


def test_council_staff_record_a_person_but_another_units_leader_cannot(world: World) -> None:
    registry.add_person(
        world.units[2], by=world.staff, full_name="Trần Văn An", title="Chuyên viên"
    )
    with pytest.raises(DomainError):
        registry.add_person(world.units[2], by=world.leader2, full_name="X", title="Y")
    with pytest.raises(DomainError):
        registry.add_person(world.units[2], by=world.secretariat, full_name="X", title="Y")
    assert world.units[2].people.count() == 1


def test_a_code_is_unique_within_the_unit(world: World) -> None:
    registry.add_person(world.units[2], by=world.officer, full_name="A", title="B", code="P1")
    with pytest.raises(DomainError):
        registry.add_person(world.units[2], by=world.officer, full_name="C", title="D", code="P1")


def test_editing_and_leaving_are_audited_with_before_and_after(world: World) -> None:
    person = make_person(world.units[2], title="Chuyên viên")
    registry.update_person(person, by=world.leader, title="Phó Trưởng phòng")
    day = timezone.localdate() - datetime.timedelta(days=3)
    registry.mark_person_left(person, by=world.leader, day=day, reason="Nghỉ hưu")
    person.refresh_from_db()
    assert (person.title, person.left_on) == ("Phó Trưởng phòng", day)
    changed = AuditEvent.objects.get(action="blocks.person.changed")
    assert changed.before == {"title": "Chuyên viên"}
    left = AuditEvent.objects.get(action="blocks.person.left")
    assert left.reason == "Nghỉ hưu"
    with pytest.raises(DomainError):
        registry.mark_person_left(person, by=world.leader, day=day)


# Proposing ------------------------------------------------------------------------------------


def test_the_units_officer_proposes_one_of_its_people_once(world: World) -> None:
    person = make_person(world.units[2], full_name="Lê Thị Hoa", title="Trưởng phòng")
    first = propose(world, person)
    again = propose(world, person, by=world.leader)  # a double click, or the leader too
    assert first.pk == again.pk
    assert PersonProposal.objects.count() == 1
    assert (first.person_name, first.person_title, first.unit) == (
        "Lê Thị Hoa",
        "Trưởng phòng",
        world.units[2],
    )
    assert AuditEvent.objects.filter(action="awards.person_proposal.created").count() == 1


@pytest.mark.parametrize("role", ["leader2", "secretariat", "staff", "admin", "outsider"])
def test_only_the_units_own_people_propose_it(world: World, role: str) -> None:
    person = make_person(world.units[2])
    with pytest.raises(DomainError):
        propose(world, person, by=world.user(role))
    assert not PersonProposal.objects.exists()


def test_a_person_who_left_or_a_collective_award_is_refused(world: World) -> None:
    person = make_person(world.units[2], left_on=datetime.date(2020, 1, 1))
    with pytest.raises(DomainError):
        propose(world, person)
    other = make_person(world.units[2])
    with pytest.raises(DomainError):
        services.propose_person(
            world.block_year,
            AwardType.objects.get(code="chairman-certificate"),
            other,
            by=world.officer,
            summary="x",
        )
    with pytest.raises(DomainError):
        services.propose_person(
            world.block_year, individual(), other, by=world.officer, summary="  "
        )


def test_an_archived_year_takes_no_proposal_and_no_withdrawal(world: World) -> None:
    proposal = propose(world, make_person(world.units[2]))
    archive(world)
    with pytest.raises(DomainError):
        propose(world, make_person(world.units[2]))
    with pytest.raises(DomainError):
        services.withdraw_proposal(proposal, by=world.officer, reason="Nhầm")


def test_withdrawing_says_why_and_frees_the_person_to_be_proposed_again(world: World) -> None:
    person = make_person(world.units[2])
    proposal = propose(world, person)
    with pytest.raises(DomainError):
        services.withdraw_proposal(proposal, by=world.officer, reason=" ")
    with pytest.raises(DomainError):
        services.withdraw_proposal(proposal, by=world.leader2, reason="x")
    services.withdraw_proposal(proposal, by=world.officer, reason="Chưa đủ thành tích")
    proposal.refresh_from_db()
    assert proposal.withdrawn_reason == "Chưa đủ thành tích"
    assert AuditEvent.objects.get(action="awards.person_proposal.withdrawn").reason
    again = propose(world, person)
    assert again.pk != proposal.pk


def test_proposals_close_when_the_ballot_on_the_award_is_prepared(world: World) -> None:
    first = propose(world, make_person(world.units[2]))
    make_published_ranking(world)
    ballots.create_ballot(
        world.block_year, by=world.secretariat, kind="nomination", award=individual()
    )
    with pytest.raises(DomainError):
        propose(world, make_person(world.units[2]))
    with pytest.raises(DomainError):
        services.withdraw_proposal(first, by=world.officer, reason="x")


# The rules that judge a person ----------------------------------------------------------------


def by_code(results: list[eligibility.RuleResult]) -> dict[str, eligibility.RuleResult]:
    return {r.code: r for r in results}


def test_each_rule_of_a_person_is_explained_and_cited(world: World) -> None:
    person = make_person(world.units[2])
    propose(world, person)
    results = by_code(
        eligibility.check(individual(), world.block_year, world.units[2], person=person)
    )
    assert list(results) == [
        "proposed",
        "serving",
        "per_block",
        "years_well",
        "attest:no_discipline",
        "attest:no_inspection",
        "attest:no_complaint",
    ]
    assert results["proposed"].passed and results["serving"].passed
    assert results["per_block"].passed
    assert results["years_well"].passed is None  # the unit has not attested yet
    assert "Điều 74" in results["years_well"].legal_basis and results["years_well"].confirmed
    assert results["proposed"].local


def test_a_person_not_proposed_or_gone_fails_with_the_reason(world: World) -> None:
    person = make_person(world.units[2], left_on=datetime.date(2020, 5, 1))
    results = by_code(
        eligibility.check(
            individual(), world.block_year, world.units[2], person=person, ranking_only=True
        )
    )
    assert list(results) == ["proposed", "serving"]
    assert results["proposed"].passed is False
    assert results["serving"].passed is False and "01/05/2020" in results["serving"].data


def test_the_attestations_of_the_nomination_decide_the_years_and_discipline(world: World) -> None:
    person = make_person(world.units[2])
    propose(world, person)
    nomination = Nomination.objects.create(
        block_year=world.block_year,
        award_type=individual(),
        unit=world.units[2],
        unit_name=world.units[2].name,
        person=person,
        person_name=person.full_name,
        person_title=person.title,
        attestations={
            "tasks_excellent_years": True,
            "no_discipline": False,
            "no_inspection": True,
            "no_complaint": True,
        },
    )
    results = by_code(
        eligibility.check(individual(), world.block_year, world.units[2], nomination=nomination)
    )
    assert results["years_well"].passed is True
    assert results["attest:no_discipline"].passed is False
    assert "person" in results["attest:no_discipline"].rule


# The ballot on people, up to nominations --------------------------------------------------------


def two_proposed(world: World) -> tuple[Person, Person]:
    hoa = make_person(world.units[2], full_name="Lê Thị Hoa", title="Trưởng phòng")
    binh = make_person(world.units[3], full_name="Phạm Văn Bình", title="Phóng viên")
    propose(world, hoa)
    services.propose_person(
        world.block_year, individual(), binh, by=world.leader2, summary="Loạt bài đoạt giải."
    )
    make_published_ranking(world)
    make_leaders(world)
    return hoa, binh


def test_the_ballot_carries_the_people_proposed_and_no_unit_may_be_chosen(world: World) -> None:
    hoa, binh = two_proposed(world)
    with pytest.raises(DomainError):
        ballots.create_ballot(
            world.block_year,
            by=world.secretariat,
            kind="nomination",
            award=individual(),
            units=[world.units[2]],
        )
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind="nomination", award=individual()
    )
    candidates = list(ballot.candidates.order_by("position"))
    assert [c.person for c in candidates] == [hoa, binh]  # by unit name
    assert candidates[0].name == f"Lê Thị Hoa (Trưởng phòng, {world.units[2].name})"
    assert ballot.seats == 3


def test_a_ballot_for_people_needs_someone_proposed(world: World) -> None:
    make_published_ranking(world)
    with pytest.raises(DomainError):
        ballots.create_ballot(
            world.block_year, by=world.secretariat, kind="nomination", award=individual()
        )
    assert not Ballot.objects.exists()


def test_the_person_the_block_approves_becomes_a_nomination(world: World) -> None:
    hoa, _binh = two_proposed(world)
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind="nomination", award=individual()
    )
    ballot = counting.open_ballot(ballot, by=world.secretariat)
    first, second = ballot.candidates.order_by("position")
    for leader in make_leaders(world):
        ballots.cast_vote(ballot, by=leader, choices={first.pk: True, second.pk: False})
    counting.close_ballot(ballot, by=world.secretariat)
    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.person_name, nomination.person_title) == (
        hoa,
        "Lê Thị Hoa",
        "Trưởng phòng",
    )
    assert nomination.unit == world.units[2]
    assert [r["code"] for r in nomination.eligibility][:2] == ["proposed", "serving"]
    assert ballots.results_of(ballot)[0]["unit"].startswith("Lê Thị Hoa")


def test_a_void_ballot_on_people_is_held_again_with_the_same_people(world: World) -> None:
    hoa, binh = two_proposed(world)
    ballot = ballots.create_ballot(
        world.block_year, by=world.secretariat, kind="nomination", award=individual()
    )
    ballot = counting.open_ballot(ballot, by=world.secretariat)
    ballot = counting.close_ballot(ballot, by=world.secretariat)  # no one voted: void
    assert ballot.is_void
    again = ballots.rerun_ballot(ballot, by=world.secretariat, reason="Thiếu số đơn vị bỏ phiếu")
    assert [c.person for c in again.candidates.order_by("position")] == [hoa, binh]
