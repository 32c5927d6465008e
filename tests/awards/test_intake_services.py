"""The council receives and appraises the nominations the blocks sent: who moves from where, what
is refused and why, what is stored and recorded; and the list's rows and counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from awards.models import AwardType, Nomination
from awards.services import dossiers, intake
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import (
    World,
    at_council_status,
    make_sent_dossier,
    make_user,
)

pytestmark = pytest.mark.django_db

S = Nomination.Status
ALL_TICKED = dict.fromkeys(intake.APPRAISAL_CHECKLIST, True)
REASON = "Thiếu quyết định khen thưởng năm trước."


@pytest.fixture
def sent(world: World) -> list[Nomination]:
    return make_sent_dossier(world)


def put_at(world: World, nomination: Nomination, status: str) -> Nomination:
    """A nomination at a status, the returned one through the service (it needs its reason)."""
    if status == S.RETURNED:
        return dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    return at_council_status([nomination], status)[0]


def after(event: AuditEvent) -> dict[str, Any]:
    assert event.after is not None
    return event.after


def before(event: AuditEvent) -> dict[str, Any]:
    assert event.before is not None
    return event.before


# Receiving ------------------------------------------------------------------------------------


def test_staff_receive_a_sent_nomination_and_it_is_recorded(
    world: World, sent: list[Nomination]
) -> None:
    received = intake.receive_nomination(sent[0], by=world.staff)
    received.refresh_from_db()
    assert received.status == S.RECEIVED
    assert received.received_by == world.staff and received.received_at is not None
    event = AuditEvent.objects.get(action="awards.nomination.received")
    assert event.object_id == str(received.pk) and event.actor == world.staff
    assert (before(event)["status"], after(event)["status"]) == ("submitted", "received")
    assert after(event)["received_by"] == world.staff.pk


REFUSED_TO_RECEIVE: dict[str, str] = {
    S.DRAFT: "has not sent this nomination",
    S.RETURNED: "returned to the block",
    S.RECEIVED: "past this step",
    S.APPRAISED: "past this step",
    S.SCHEDULED: "past this step",
    S.APPROVED: "past this step",
    S.REJECTED: "past this step",
    S.AWARDED: "past this step",
}


@pytest.mark.parametrize("status", sorted(REFUSED_TO_RECEIVE))
def test_only_a_sent_nomination_can_be_received(
    status: str, world: World, sent: list[Nomination]
) -> None:
    nomination = put_at(world, sent[0], status)
    with pytest.raises(DomainError, match=REFUSED_TO_RECEIVE[status]):
        intake.receive_nomination(nomination, by=world.staff)
    assert Nomination.objects.get(pk=nomination.pk).status == status
    assert not AuditEvent.objects.filter(action="awards.nomination.received").exists()


def test_a_nomination_received_twice_says_by_whom_it_was(
    world: World, sent: list[Nomination]
) -> None:
    intake.receive_nomination(sent[0], by=world.staff)
    other = make_user(full_name="Cán bộ thứ hai")
    with pytest.raises(DomainError, match=r"already received \(Cán bộ Ban Thi đua"):
        intake.receive_nomination(sent[0], by=other)
    assert AuditEvent.objects.filter(action="awards.nomination.received").count() == 1


def test_receiving_tells_the_secretariat_and_the_unit(
    world: World,
    sent: list[Nomination],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    nominee = next(n for n in sent if n.unit_id == world.units[3].pk)  # leader2's unit
    for person in (world.secretariat, world.leader2, world.leader, world.member):
        person.email = f"{person.username}@example.vn"
        person.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        intake.receive_nomination(nominee, by=world.staff)
    told = sorted(address for message in mailoutbox for address in message.to)
    assert told == ["leader2@example.vn", "secretariat@example.vn"]
    assert nominee.unit_name in mailoutbox[0].subject


# Appraising -----------------------------------------------------------------------------------


def test_staff_appraise_a_received_nomination_with_the_check_of_the_day(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    appraised = intake.appraise_nomination(
        nomination, by=world.staff, checklist=ALL_TICKED, notes="  Hồ sơ đầy đủ.  "
    )
    appraised.refresh_from_db()
    assert appraised.status == S.APPRAISED
    assert appraised.appraisal == ALL_TICKED and appraised.appraisal_notes == "Hồ sơ đầy đủ."
    assert appraised.appraised_by == world.staff and appraised.appraised_at is not None
    stored = appraised.appraisal_eligibility
    assert stored and all(rule["passed"] is True for rule in stored)
    assert {"code", "passed", "rule", "data", "legal_basis"} <= set(stored[0])
    # The same shape the block side stores.
    assert [r["code"] for r in stored] == [r["code"] for r in appraised.eligibility]
    event = AuditEvent.objects.get(action="awards.nomination.appraised")
    assert (before(event)["status"], after(event)["status"]) == ("received", "appraised")
    assert after(event)["ticked"] == sorted(ALL_TICKED)
    assert after(event)["appraisal_notes"] == "Hồ sơ đầy đủ."
    assert (after(event)["eligibility_passes"], after(event)["eligibility_not_met"]) == (True, [])
    assert (before(event)["ticked"], before(event)["eligibility_passes"]) == ([], False)


def test_an_appraised_nomination_can_be_appraised_again(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    intake.appraise_nomination(nomination, by=world.staff, checklist=ALL_TICKED, notes="Lần 1")
    again = intake.appraise_nomination(
        nomination, by=world.admin, checklist=ALL_TICKED, notes="Lần 2"
    )
    again.refresh_from_db()
    assert (again.status, again.appraisal_notes, again.appraised_by) == (
        S.APPRAISED,
        "Lần 2",
        world.admin,
    )
    events = AuditEvent.objects.filter(action="awards.nomination.appraised").order_by("seq")
    assert [after(e)["appraisal_notes"] for e in events] == ["Lần 1", "Lần 2"]
    assert before(events[1])["appraisal_notes"] == "Lần 1"


REFUSED_TO_APPRAISE: dict[str, str] = {
    S.DRAFT: "has not sent this nomination",
    S.SUBMITTED: "Receive the nomination first",
    S.RETURNED: "returned to the block",
    S.SCHEDULED: "past this step",
    S.APPROVED: "past this step",
    S.REJECTED: "past this step",
    S.AWARDED: "past this step",
}


@pytest.mark.parametrize("status", sorted(REFUSED_TO_APPRAISE))
def test_only_a_received_or_appraised_nomination_can_be_appraised(
    status: str, world: World, sent: list[Nomination]
) -> None:
    nomination = put_at(world, sent[0], status)
    with pytest.raises(DomainError, match=REFUSED_TO_APPRAISE[status]):
        intake.appraise_nomination(nomination, by=world.staff, checklist=ALL_TICKED, notes="")
    stored = Nomination.objects.get(pk=nomination.pk)
    assert (stored.status, stored.appraised_at, stored.appraisal) == (status, None, {})
    assert not AuditEvent.objects.filter(action="awards.nomination.appraised").exists()


def test_an_unticked_item_refuses_the_appraisal_and_names_it(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    ticks = {**ALL_TICKED, "documents_sufficient": False}
    del ticks["meets_standard"]
    with pytest.raises(DomainError) as refused:
        intake.appraise_nomination(nomination, by=world.staff, checklist=ticks, notes="Ghi chú")
    message = refused.value.message
    assert "supporting documents are sufficient" in message
    assert "achievements meet the award's standard" in message
    assert "proposal letter lists" not in message
    assert "return the nomination to the block" in message
    stored = Nomination.objects.get(pk=nomination.pk)
    assert (stored.status, stored.appraisal_notes, stored.appraisal_eligibility) == (
        S.RECEIVED,
        "",
        [],
    )
    assert not AuditEvent.objects.filter(action="awards.nomination.appraised").exists()


def test_a_rule_failing_on_todays_data_refuses_the_appraisal(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    # Since it was sent the unit said it is under inspection.
    Nomination.objects.filter(pk=nomination.pk).update(
        attestations={**nomination.attestations, "no_inspection": False}
    )
    with pytest.raises(DomainError) as refused:
        intake.appraise_nomination(nomination, by=world.staff, checklist=ALL_TICKED, notes="")
    assert "does not pass on today's data" in refused.value.message
    assert "not under inspection" in refused.value.message
    assert "Return the nomination to the block" in refused.value.message
    stored = Nomination.objects.get(pk=nomination.pk)
    assert (stored.status, stored.appraisal_eligibility) == (S.RECEIVED, [])


def test_an_unknown_checklist_item_is_a_programming_error(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    with pytest.raises(ValueError, match="not items"):
        intake.appraise_nomination(
            nomination, by=world.staff, checklist={**ALL_TICKED, "bribe": True}, notes=""
        )


def test_notes_longer_than_the_limit_are_refused(world: World, sent: list[Nomination]) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    with pytest.raises(DomainError, match="at most 5000") as refused:
        intake.appraise_nomination(
            nomination, by=world.staff, checklist=ALL_TICKED, notes="x" * 5001
        )
    assert refused.value.field == "notes"


# Returned, fixed, sent again, received again ---------------------------------------------------


def test_a_returned_nomination_comes_back_to_be_received_again_with_what_changed(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    nomination.refresh_from_db()
    pending = intake.last_resubmission(nomination, [], nomination.block_year.dossier)
    assert pending is not None and pending.pending and pending.changes == []
    from django.core.files.uploadedfile import SimpleUploadedFile

    leader = nomination.unit.roles.get(role="leader").user
    pdf = SimpleUploadedFile("qd-2025.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    dossiers.add_file(nomination, by=leader, uploaded=pdf, description="Quyết định năm 2025")
    dossiers.resubmit_nomination(nomination, by=world.secretariat)
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED
    dossier = nomination.block_year.dossier
    events = intake.history(nomination, dossier)
    shown = intake.last_resubmission(nomination, events, dossier)
    assert shown is not None and not shown.pending
    assert shown.reason == REASON
    assert [(c.kind, c.name) for c in shown.changes] == [("added", "qd-2025.pdf")]
    assert intake.receive_nomination(nomination, by=world.staff).status == S.RECEIVED
    assert AuditEvent.objects.filter(action="awards.nomination.received").count() == 2


def test_the_history_includes_the_sending_of_the_dossier(
    world: World, sent: list[Nomination]
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    actions = [e.action for e in intake.history(nomination, nomination.block_year.dossier)]
    assert actions[0] == "awards.nomination.created"
    assert actions[-2:] == ["awards.dossier.submitted", "awards.nomination.received"]


# The list's rows and counts ---------------------------------------------------------------------


def test_the_list_holds_the_authoritys_sent_nominations_of_the_year_only(
    world: World, sent: list[Nomination]
) -> None:
    excellent = AwardType.objects.get(code="excellent-labour")
    draft = Nomination.objects.create(
        block_year=world.block_year,
        award_type=excellent,
        unit=world.units[2],
        unit_name=world.units[2].name,
    )
    rows = Nomination.objects.for_intake(world.authority, world.block_year.year)
    assert sorted(n.pk for n in rows) == sorted(n.pk for n in sent)
    assert draft.pk not in [n.pk for n in rows]
    assert not Nomination.objects.for_intake(world.authority, world.block_year.year - 1).exists()
    assert not Nomination.objects.for_intake(world.other_authority, world.block_year.year).exists()


def test_a_nomination_sent_after_the_deadline_is_marked_late(
    world: World, sent: list[Nomination]
) -> None:
    sent_day = sent[0].submitted_at
    assert sent_day is not None
    world.block_year.dossier_deadline = sent_day.date() - datetime.timedelta(days=1)
    world.block_year.save(update_fields=["dossier_deadline"])
    rows = Nomination.objects.for_intake(world.authority, world.block_year.year)
    assert all(n.sent_late for n in rows)  # type: ignore[attr-defined]
    world.block_year.dossier_deadline = sent_day.date() + datetime.timedelta(days=1)
    world.block_year.save(update_fields=["dossier_deadline"])
    rows = Nomination.objects.for_intake(world.authority, world.block_year.year)
    assert not any(n.sent_late for n in rows)  # type: ignore[attr-defined]


def test_counts_per_award_and_status_come_from_one_query(
    world: World, sent: list[Nomination], django_assert_num_queries: Any
) -> None:
    intake.receive_nomination(sent[0], by=world.staff)
    dossiers.return_nomination(sent[1], by=world.staff, reason=REASON)
    with django_assert_num_queries(1):
        counts = intake.intake_counts(world.authority, world.block_year.year)
    assert [row.award for row in counts.rows] == ["Chairman's Certificate of Merit"]
    by_status = dict(zip([code for code, _ in counts.statuses], counts.rows[0].counts, strict=True))
    assert by_status == {
        "submitted": 1,
        "returned": 1,
        "received": 1,
        "appraised": 0,
        "scheduled": 0,
        "approved": 0,
        "rejected": 0,
        "awarded": 0,
    }
    assert (counts.to_receive, counts.to_appraise, counts.ready, counts.total) == (1, 1, 0, 3)


def test_the_council_home_lists_the_persons_authorities_and_their_years(
    world: World, sent: list[Nomination]
) -> None:
    intake.receive_nomination(sent[0], by=world.staff)
    seats = Nomination.objects.council_seats(world.member, today=datetime.date(2026, 5, 1))
    assert [s.authority for s in seats] == [world.authority]
    assert seats[0].roles == ["member"] and not seats[0].is_staff
    (year,) = seats[0].years
    assert (year.year, year.total, year.to_receive, year.to_appraise) == (2026, 3, 2, 1)
    assert Nomination.objects.council_seats(world.leader) == []
    everyone = Nomination.objects.council_seats(world.admin, today=datetime.date(2027, 5, 1))
    assert {s.authority for s in everyone} == {world.authority, world.other_authority}
    mine = next(s for s in everyone if s.authority == world.authority)
    assert mine.is_staff and [y.year for y in mine.years] == [2027, 2026]
