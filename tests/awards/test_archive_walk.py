"""The archive guard at every step of the year: refused, naming what is missing, until nothing
can still happen — no ballot under way or void without a waiver, the needed ballots held or
waived, every nomination sent, decided, withdrawn or closed, the dossier sent or "no proposals"
recorded — and allowed only then. The dashboard's step 12 says the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from awards import dashboard
from awards.models import Ballot, Nomination, Waiver
from awards.services import closing, dossiers
from awards.services.archive import GROUPS, archive_checks, archive_year
from blocks.models import BlockYear
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests import counting
from tests.awards.test_statistics import decide
from tests.factories import (
    World,
    at_council_status,
    make_ballot,
    make_closed_ballot,
    make_leaders,
    make_published_ranking,
    make_sent_dossier,
)

pytestmark = pytest.mark.django_db
N = Nomination.Status
LABEL = dict(GROUPS)


def fresh(world: World) -> BlockYear:
    return BlockYear.objects.select_related("block__authority").get(pk=world.block_year.pk)


def missing(world: World) -> set[str]:
    """The groups of conditions not met (the first check, "not archived yet", holds here)."""
    checks = archive_checks(fresh(world))
    assert checks[0].ok
    labels = {str(label): group for group, label in GROUPS}
    return {labels[c.label] for c in checks[1:] if not c.ok}


# The steps, each moving the year on from where the one before left it.


def publish(world: World) -> None:
    make_published_ranking(world)


def open_acclaim(world: World) -> None:
    make_ballot(world, kind=Ballot.Kind.ACCLAIM)


def close_acclaim(world: World) -> None:
    ballot = Ballot.objects.get(block_year=world.block_year, kind=Ballot.Kind.ACCLAIM)
    from awards.services import ballots

    for leader in make_leaders(world):
        ballots.cast_vote(ballot, by=leader, choices={c.pk: True for c in ballot.candidates.all()})
    counting.close_ballot(ballot, by=world.secretariat)


def elect_head(world: World) -> None:
    make_closed_ballot(world, kind=Ballot.Kind.HEAD)


def nominate(world: World) -> None:
    """The nomination ballot, the reports and the dossier sent: three nominations sent."""
    make_sent_dossier(world)


def council_decides_two(world: World) -> None:
    first, second, _third = nominations(world)
    at_council_status([first], N.APPROVED)
    at_council_status([second], N.REJECTED)


def council_returns_one(world: World) -> None:
    third = nominations(world)[2]
    dossiers.return_nomination(third, by=world.staff, reason="Thiếu báo cáo thành tích.")


def decision_issued(world: World) -> None:
    decide(world, [nominations(world)[0]], status="issued")


def decision_published(world: World) -> None:
    from awards.models import Decision

    Decision.objects.filter(authority=world.authority).update(status=Decision.Status.PUBLISHED)


def close_the_returned_one(world: World) -> None:
    closing.close_returned_nomination(
        nominations(world)[2], by=world.secretariat, reason="Đơn vị không bổ sung hồ sơ."
    )


def nominations(world: World) -> list[Nomination]:
    return list(Nomination.objects.filter(block_year=world.block_year).order_by("unit_name"))


Step = tuple[str, Callable[[World], None], set[str]]

YEAR: list[Step] = [
    ("nothing yet", lambda w: None, {"ranking"}),
    ("ranking published", publish, {"needed", "dossier"}),
    ("acclaim ballot open", open_acclaim, {"ballots", "needed", "dossier"}),
    ("acclaim counted", close_acclaim, {"needed", "dossier"}),
    ("next year's head elected", elect_head, {"dossier"}),
    ("dossier sent", nominate, {"council"}),
    ("two decided by the council", council_decides_two, {"council"}),
    ("one returned", council_returns_one, {"nominations", "council"}),
    ("decision issued, not published", decision_issued, {"nominations", "council"}),
    ("decision published", decision_published, {"nominations"}),
    ("returned one closed", close_the_returned_one, set()),
]


@pytest.mark.parametrize("step", range(len(YEAR)), ids=[name for name, _, _ in YEAR])
def test_the_archive_guard_at_every_step_of_the_year(step: int, world: World) -> None:
    for _name, act, _missing in YEAR[: step + 1]:
        act(world)
    expected = YEAR[step][2]
    assert missing(world) == expected, [c for c in archive_checks(fresh(world)) if not c.ok]
    step_12 = dashboard.steps(fresh(world), world.staff)[12]
    if expected:
        with pytest.raises(DomainError) as refused:
            archive_year(fresh(world), by=world.staff)
        for group in expected:
            assert str(LABEL[group]) in refused.value.message
        assert not fresh(world).is_archived
        assert step_12.status != "done"
        archive_url = reverse("awards:year_archive", args=[world.block_year.pk])
        assert all(url != archive_url for _label, url in step_12.actions)
    else:
        assert step_12.status == "done"
        archive_year(fresh(world), by=world.staff)
        assert fresh(world).is_archived


def test_right_after_the_ranking_the_year_is_not_archivable(world: World) -> None:
    """The bug: with the ranking published and nothing else, every condition showed as met."""
    make_published_ranking(world)
    with pytest.raises(DomainError) as refused:
        archive_year(fresh(world), by=world.staff)
    message = refused.value.message
    assert "Acclaim the leading unit" in message and "not held" in message
    assert "has not recorded that it proposes nobody" in message
    assert dashboard.steps(fresh(world), world.staff)[12].status != "done"


def test_a_year_that_proposes_nobody_is_archived_once_it_says_so_and_why(world: World) -> None:
    make_published_ranking(world)
    for kind in (Ballot.Kind.ACCLAIM, Ballot.Kind.HEAD):
        closing.waive_ballot(
            fresh(world), by=world.secretariat, kind=kind, reason="Hội nghị không tổ chức."
        )
    assert missing(world) == {"dossier"}
    closing.record_no_proposals(
        fresh(world), by=world.secretariat, reason="Không đơn vị nào đủ tiêu chuẩn."
    )
    assert missing(world) == set()
    assert dashboard.steps(fresh(world), world.staff)[12].status == "done"
    archive_year(fresh(world), by=world.staff)
    events = AuditEvent.objects.filter(action__startswith="awards.year.waived_")
    assert {e.action for e in events} == {
        "awards.year.waived_acclaim",
        "awards.year.waived_head",
        "awards.year.waived_proposals",
    }
    assert all(e.actor == world.secretariat and e.reason for e in events)


def test_a_void_ballot_keeps_the_year_open_until_held_again_or_waived(world: World) -> None:
    make_published_ranking(world)
    closing.waive_ballot(fresh(world), by=world.secretariat, kind="head", reason="Luân phiên.")
    closing.record_no_proposals(fresh(world), by=world.secretariat, reason="Không đề nghị.")
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    counting.close_ballot(ballot, by=world.secretariat)  # nobody voted: no quorum, void
    ballot.refresh_from_db()
    assert ballot.is_closed and ballot.is_void
    assert missing(world) == {"ballots"}
    closing.waive_ballot(
        fresh(world), by=world.secretariat, kind="acclaim", reason="Không tổ chức lại."
    )
    assert missing(world) == set()


def test_a_draft_nomination_keeps_the_year_open_until_withdrawn(world: World) -> None:
    make_published_ranking(world)
    for kind in ("acclaim", "head"):
        closing.waive_ballot(fresh(world), by=world.secretariat, kind=kind, reason="Không.")
    make_closed_ballot(world)  # a nomination ballot: three nominations being prepared
    assert missing(world) == {"nominations", "dossier"}
    for nomination in nominations(world):
        dossiers.withdraw_nomination(nomination, by=world.secretariat, reason="Đơn vị xin rút.")
    assert missing(world) == {"dossier"}  # no nomination left: say that nobody is proposed
    closing.record_no_proposals(fresh(world), by=world.secretariat, reason="Các đơn vị xin rút.")
    assert missing(world) == set()


# The waivers' guards ---------------------------------------------------------------------------


def test_a_waiver_needs_a_reason_and_is_recorded_once(world: World) -> None:
    make_published_ranking(world)
    with pytest.raises(DomainError, match="Say why"):
        closing.waive_ballot(fresh(world), by=world.secretariat, kind="acclaim", reason="  ")
    closing.waive_ballot(fresh(world), by=world.secretariat, kind="acclaim", reason="Lý do.")
    with pytest.raises(DomainError):
        closing.waive_ballot(fresh(world), by=world.secretariat, kind="acclaim", reason="Lần 2.")
    assert Waiver.objects.count() == 1


def test_a_ballot_under_way_or_counted_cannot_be_waived(world: World) -> None:
    ballot = make_ballot(world, kind=Ballot.Kind.ACCLAIM)
    with pytest.raises(DomainError, match="Only a ballot the year needs"):
        closing.waive_ballot(fresh(world), by=world.secretariat, kind="acclaim", reason="x")
    close_acclaim(world)
    ballot.refresh_from_db()
    assert ballot.is_closed and not ballot.is_void
    with pytest.raises(DomainError, match="Only a ballot the year needs"):
        closing.waive_ballot(fresh(world), by=world.secretariat, kind="acclaim", reason="x")
    assert not Waiver.objects.exists()


@pytest.mark.parametrize("role", ["member", "leader", "outsider"])
def test_only_the_secretariat_or_council_staff_record_a_waiver(role: str, world: World) -> None:
    make_published_ranking(world)
    with pytest.raises(DomainError, match="Only the block's secretariat"):
        closing.waive_ballot(fresh(world), by=getattr(world, role), kind="acclaim", reason="x")
    with pytest.raises(DomainError, match="Only the block's secretariat"):
        closing.record_no_proposals(fresh(world), by=getattr(world, role), reason="x")
    closing.waive_ballot(fresh(world), by=world.staff, kind="acclaim", reason="Hội đồng quyết.")


def test_no_proposals_is_refused_while_the_year_has_nominations(world: World) -> None:
    make_closed_ballot(world)
    with pytest.raises(DomainError, match="has nominations"):
        closing.record_no_proposals(fresh(world), by=world.secretariat, reason="x")


def test_only_a_returned_nomination_is_closed(world: World) -> None:
    first, *_rest = make_sent_dossier(world)
    with pytest.raises(DomainError, match="Only a nomination returned"):
        closing.close_returned_nomination(first, by=world.secretariat, reason="x")
    dossiers.return_nomination(first, by=world.staff, reason="Thiếu minh chứng.")
    closing.close_returned_nomination(first, by=world.secretariat, reason="Không bổ sung.")
    assert Waiver.objects.get().nomination == first


# The page ----------------------------------------------------------------------------------------


def test_the_secretariat_records_what_the_year_will_not_do_in_the_browser(
    world: World, client: Any
) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    url = reverse("awards:year_waivers", args=[world.block_year.pk])
    html = client.get(url).content.decode()
    assert 'value="ballot:acclaim"' in html and 'value="proposals"' in html
    response = client.post(url, {"item": "ballot:acclaim", "reason": ""})
    assert response.status_code == 200 and not Waiver.objects.exists()  # the reason is required
    response = client.post(url, {"item": "ballot:acclaim", "reason": "Không tổ chức suy tôn."})
    assert response.status_code == 302 and response["Location"] == url
    waiver = Waiver.objects.get()
    assert (waiver.what, waiver.recorded_by) == ("acclaim", world.secretariat)
    assert 'value="ballot:acclaim"' not in client.get(url).content.decode()
    response = client.post(url, {"item": "ballot:acclaim", "reason": "Lần hai."})
    assert response.status_code == 200 and Waiver.objects.count() == 1  # no longer a choice


def test_the_waivers_page_runs_a_fixed_number_of_queries(
    world: World, client: Any, django_assert_num_queries: Any
) -> None:
    make_published_ranking(world)
    make_closed_ballot(world)  # three nominations being prepared
    client.force_login(world.secretariat)
    url = reverse("awards:year_waivers", args=[world.block_year.pk])
    client.get(url)  # warm the session and the person's roles
    # The session, the user and their roles, the year, the six reads of `open_items` and the
    # returned nominations (one query whatever their number).
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
