"""Drafting, changing, issuing and publishing award decisions: the rules the services enforce."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from awards.models import Awardee, AwardType, Decision, Nomination
from awards.services import decisions
from emulation.errors import DomainError
from emulation.models import AuditEvent, IssuedDocument
from tests.awards.matrix_decisions import (
    SIGNED_ON,
    approved_nominations,
    draft,
    issued,
    published,
)
from tests.factories import YEAR, World, at_council_status, make_sent_dossier

pytestmark = pytest.mark.django_db


def _draft_args(**overrides: Any) -> dict[str, Any]:
    return {
        "number": "125/QĐ-UBND",
        "signed_on": SIGNED_ON,
        "signer_name": "Hoàng Nam",
        "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        "legal_bases": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        **overrides,
    }


def _award(code: str = "chairman-certificate") -> AwardType:
    return AwardType.objects.get(code=code)


# State machine ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("draft", {"issued"}),
        ("issued", {"published"}),
        ("published", set()),
    ],
)
def test_the_decision_state_machine_allows_only_its_moves(status: str, allowed: set[str]) -> None:
    decision = Decision(status=status)
    assert {s for s in Decision.Status.values if decision.can_move_to(s)} == allowed


@pytest.mark.parametrize(
    ("start", "service", "refused"),
    [
        ("draft", "publish_decision", "issue it first"),
        ("issued", "issue_decision", "issued already"),
        ("published", "issue_decision", "issued already"),
        ("published", "publish_decision", "published already"),
    ],
)
def test_a_decision_refuses_a_move_its_status_does_not_allow(
    world: World, start: str, service: str, refused: str
) -> None:
    decision = {"draft": draft, "issued": issued, "published": published}[start](world)
    with pytest.raises(DomainError, match=refused):
        getattr(decisions, service)(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.status == start


# Drafting ---------------------------------------------------------------------------------------


def test_drafting_lists_the_approved_nominations_by_block_then_unit(world: World) -> None:
    nominations = at_council_status(make_sent_dossier(world), "approved")
    decision = decisions.draft_decision(
        world.authority, YEAR, _award(), by=world.staff, **_draft_args()
    )
    assert decision.kind == Decision.Kind.DECISION and decision.status == Decision.Status.DRAFT
    rows = list(decision.awardees.order_by("position"))
    assert [a.unit_name for a in rows] == sorted(n.unit_name for n in nominations)
    assert {a.block_name for a in rows} == {world.block.name}
    assert [a.position for a in rows] == [1, 2, 3]
    assert decisions.approved_for_decision(world.authority, YEAR, _award()).count() == 0
    assert AuditEvent.objects.filter(action="awards.decision.drafted").count() == 1


def test_drafting_refuses_without_an_approved_nomination(world: World) -> None:
    at_council_status(make_sent_dossier(world), "scheduled")
    with pytest.raises(DomainError, match=r"No nomination .* is approved"):
        decisions.draft_decision(world.authority, YEAR, _award(), by=world.staff, **_draft_args())
    assert not Decision.objects.exists()


def test_drafting_ignores_another_authoritys_and_another_years_nominations(
    world: World,
) -> None:
    approved_nominations(world)
    with pytest.raises(DomainError, match="No nomination"):
        decisions.draft_decision(
            world.other_authority, YEAR, _award(), by=world.staff, **_draft_args()
        )
    with pytest.raises(DomainError, match="No nomination"):
        decisions.draft_decision(
            world.authority, YEAR - 1, _award(), by=world.staff, **_draft_args()
        )


def test_a_nomination_already_in_a_decision_is_not_listed_again(world: World) -> None:
    draft(world)
    with pytest.raises(DomainError, match="No nomination"):
        decisions.draft_decision(
            world.authority, YEAR, _award(), by=world.staff, **_draft_args(number="126/QĐ-UBND")
        )


def test_a_number_already_used_by_the_authority_is_refused_with_a_clear_message(
    world: World,
) -> None:
    draft(world)
    approved_nominations(world, [world.units[1]], "provincial-flag")
    with pytest.raises(DomainError, match="already has a document numbered 125/QĐ-UBND") as caught:
        decisions.draft_decision(
            world.authority, YEAR, _award("provincial-flag"), by=world.staff, **_draft_args()
        )
    assert caught.value.field == "number"
    assert Decision.objects.count() == 1


def test_another_authority_may_use_the_same_number(world: World) -> None:
    draft(world)
    from tests.factories import make_block_year

    block_year = make_block_year(world.other_block, [world.other_unit], year=YEAR + 5)
    Nomination.objects.create(
        block_year=block_year,
        award_type=_award(),
        unit=world.other_unit,
        unit_name=world.other_unit.name,
        status=Nomination.Status.APPROVED,
    )
    decision = decisions.draft_decision(
        world.other_authority, YEAR + 5, _award(), by=world.staff, **_draft_args()
    )
    assert decision.number == "125/QĐ-UBND"


@pytest.mark.parametrize("number", ["", "   ", "QĐ-UBND", "125 /QĐ-UBND", "125/", "1" * 38 + "/QĐ"])
def test_a_number_that_does_not_look_like_one_is_refused(world: World, number: str) -> None:
    approved_nominations(world)
    with pytest.raises(DomainError, match="such as 125/QĐ-UBND"):
        decisions.draft_decision(
            world.authority, YEAR, _award(), by=world.staff, **_draft_args(number=number)
        )


@pytest.mark.parametrize("number", ["125/QĐ-UBND", "07/TTr-UBND", "1234/QĐ-CT.TĐKT", "5/QĐ"])
def test_numbers_in_the_offices_usual_forms_are_accepted(world: World, number: str) -> None:
    approved_nominations(world)
    decision = decisions.draft_decision(
        world.authority, YEAR, _award(), by=world.staff, **_draft_args(number=f"  {number} ")
    )
    assert decision.number == number


def test_a_government_award_is_drafted_as_the_proposal_to_the_ministry(world: World) -> None:
    decision = draft(world, award_code="government-flag", number="12/TTr-UBND")
    assert decision.kind == Decision.Kind.PROPOSAL


def test_the_default_legal_bases_are_the_provinces_not_the_blocks() -> None:
    """As provinces write them: local government, the Law, the decree of the date; not the
    block's own rules (the award type's legal basis names them)."""
    text = decisions.default_legal_bases(_award("provincial-flag"), on=datetime.date(2026, 3, 5))
    lines = text.splitlines()
    assert lines[0].startswith("Luật Tổ chức chính quyền địa phương")
    assert lines[1].startswith("Luật Thi đua, khen thưởng số 06/2022/QH15")
    assert lines[2].startswith("Nghị định số 152/2025/NĐ-CP")
    assert len(lines) == 3
    assert "Quy chế hoạt động của Khối thi đua" not in text


# Changing and discarding ------------------------------------------------------------------------


def test_a_draft_can_be_changed(world: World) -> None:
    decision = draft(world)
    decisions.update_decision(
        decision,
        by=world.staff,
        number="130/QĐ-UBND",
        signed_on=datetime.date(YEAR + 1, 3, 10),
        legal_bases="  Luật A  \n\n Nghị định B ",
    )
    decision.refresh_from_db()
    assert decision.number == "130/QĐ-UBND"
    assert decision.signed_on == datetime.date(YEAR + 1, 3, 10)
    assert decision.legal_bases == "Luật A\nNghị định B"
    event = AuditEvent.objects.get(action="awards.decision.updated")
    assert event.before is not None and event.after is not None
    assert event.before["number"] == "125/QĐ-UBND" and event.after["number"] == "130/QĐ-UBND"


def test_a_draft_keeps_its_own_number_when_saved_again(world: World) -> None:
    decision = draft(world)
    decisions.update_decision(decision, by=world.staff, number="125/QĐ-UBND", signer_name="B")
    decision.refresh_from_db()
    assert decision.signer_name == "B"


def test_a_draft_cannot_take_a_number_another_decision_has(world: World) -> None:
    first = draft(world)
    second = draft(
        world, number="126/QĐ-UBND", award_code="provincial-flag", units=[world.units[1]]
    )
    with pytest.raises(DomainError, match="already has a document numbered"):
        decisions.update_decision(second, by=world.staff, number=first.number)


def test_an_issued_decision_cannot_be_changed_or_discarded(world: World) -> None:
    decision = issued(world)
    with pytest.raises(DomainError, match="can no longer change"):
        decisions.update_decision(decision, by=world.staff, number="999/QĐ-UBND")
    with pytest.raises(DomainError, match="can no longer change"):
        decisions.discard_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.number == "125/QĐ-UBND"


def test_discarding_a_draft_frees_its_nominations(world: World) -> None:
    decision = draft(world)
    decisions.discard_decision(decision, by=world.staff)
    assert not Decision.objects.exists() and not Awardee.objects.exists()
    assert decisions.approved_for_decision(world.authority, YEAR, _award()).count() == 1


# Issuing ----------------------------------------------------------------------------------------


def test_issuing_writes_the_decision_and_one_certificate_per_awardee(world: World) -> None:
    nominations = at_council_status(make_sent_dossier(world), "approved")
    decision = decisions.draft_decision(
        world.authority, YEAR, _award(), by=world.staff, **_draft_args()
    )
    decisions.issue_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ISSUED and decision.issued_by == world.staff
    assert decision.document is not None and decision.document.kind == "decision"
    certificates = [a.certificate for a in decision.awardees.select_related("certificate")]
    assert all(c is not None and c.kind == "certificate" for c in certificates)
    assert len({c.code for c in certificates if c}) == len(nominations)
    statuses = set(
        Nomination.objects.filter(awardee__decision=decision).values_list("status", flat=True)
    )
    assert statuses == {Nomination.Status.AWARDED}
    event = AuditEvent.objects.get(action="awards.decision.issued")
    assert event.after is not None
    assert event.after["document"] == decision.document.code
    assert sorted(event.after["awarded"]) == sorted(n.pk for n in nominations)


def test_issuing_a_proposal_issues_the_ministry_letter_and_keeps_the_nominations_approved(
    world: World,
) -> None:
    decision = draft(world, award_code="government-flag", number="12/TTr-UBND")
    decisions.issue_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.document is not None and decision.document.kind == "moha_proposal"
    assert not decision.awardees.filter(certificate__isnull=False).exists()
    assert IssuedDocument.objects.filter(kind="certificate").count() == 0
    nomination = Nomination.objects.get(awardee__decision=decision)
    assert nomination.status == Nomination.Status.APPROVED


def test_issuing_refuses_when_a_nomination_is_no_longer_approved(world: World) -> None:
    decision = draft(world)
    Nomination.objects.update(status=Nomination.Status.REJECTED)
    with pytest.raises(DomainError, match="no longer approved"):
        decisions.issue_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT and decision.document is None


# Publishing -------------------------------------------------------------------------------------


def test_publishing_tells_the_awardee_units_and_the_block_secretariat(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    for person in (world.leader, world.officer, world.secretariat, world.leader2, world.outsider):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    world.member.email = "member@example.vn"
    world.member.save(update_fields=["email"])
    decision = issued(world, units=[world.units[2]])  # the leader's and the officer's unit
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.publish_decision(decision, by=world.staff)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED and decision.published_by == world.staff
    addressed = sorted(m.to[0] for m in mailoutbox)
    # The unit's leader and officer, and the secretariat (an officer of the head unit); not the
    # other units' leaders, the other province, or the council.
    assert addressed == ["leader@example.vn", "officer@example.vn", "secretariat@example.vn"]
    message = mailoutbox[0]
    assert "125/QĐ-UBND" in message.subject
    assert world.units[2].name in message.body
    assert f"/results/{world.authority.pk}/{YEAR}/" in message.body
    assert AuditEvent.objects.filter(action="awards.decision.published").count() == 1
