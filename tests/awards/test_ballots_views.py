"""The ballot screens: what each person sees and may do, with good and bad input."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType, Ballot, Nomination, RollEntry, SealedBallot
from awards.services import ballots
from blocks.models import Membership, UnitRole
from tests import counting
from tests.factories import (
    World,
    make_ballot,
    make_closed_ballot,
    make_leaders,
    make_published_ranking,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def url(name: str, *args: Any) -> str:
    return reverse(f"awards:{name}", args=args)


def text(response: Any) -> str:
    return str(response.content.decode())


def agree_to_all(ballot: Ballot) -> dict[str, str]:
    return {f"candidate_{c.pk}": "agree" for c in ballot.candidates.all()} | {"confirm": "on"}


# The list -------------------------------------------------------------------------------------


def test_before_the_ranking_is_published_the_list_says_ballots_wait(
    world: World, client: Client
) -> None:
    client.force_login(world.secretariat)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert "ranking is not published yet" in page
    assert "Prepare a ballot" not in page


def test_the_list_gives_each_person_their_next_action(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    client.force_login(world.leader)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert url("ballot_vote", ballot.pk) in page
    assert "0/4" in page and "after closing" in page
    assert "Văn phòng Tỉnh ủy" in page  # the leading unit
    assert "You vote for Ban Tuyên giáo Tỉnh ủy." in page
    assert url("ballot_close", ballot.pk) not in page and "Prepare a ballot" not in page
    client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert "Your unit voted" in page and url("ballot_vote", ballot.pk) not in page
    assert "1/4" in page
    client.force_login(world.secretariat)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert url("ballot_close", ballot.pk) in page and url("ballot_vote", ballot.pk) not in page
    assert f"{url('ballot_create', world.block_year.pk)}?kind=head" in page
    assert "kind=nomination&amp;award=provincial-flag" in page
    assert "kind=tie" not in page  # no tie for first place to settle
    client.force_login(world.officer)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert url("ballot_vote", ballot.pk) not in page and url("ballot_close", ballot.pk) not in page


def test_the_list_shows_who_succeeded_once_closed(world: World, client: Client) -> None:
    make_closed_ballot(world, kind="acclaim")
    client.force_login(world.member)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    assert "4/4" in page and "Results" in page and "after closing" not in page
    # What is decided or under way is not offered again.
    make_ballot(world, kind="head", opened=False)
    client.force_login(world.secretariat)
    page = text(client.get(url("ballot_list", world.block_year.pk)))
    create = url("ballot_create", world.block_year.pk)
    assert f"{create}?kind=acclaim" not in page and f"{create}?kind=head" not in page
    assert f"{create}?kind=deputy" in page and "award=provincial-flag" in page


# Preparing a ballot ---------------------------------------------------------------------------


def test_the_form_ticks_the_candidates_the_rules_suggest(world: World, client: Client) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    page = client.get(
        url("ballot_create", world.block_year.pk) + "?kind=nomination&award=pm-certificate"
    )
    form = page.context["form"]
    office, organisation, propaganda, newspaper = world.units
    assert form["units"].initial == [office.pk, organisation.pk, newspaper.pk]
    rows = {row["unit"].pk: row for row in page.context["rows"]}
    assert rows[propaganda.pk]["eligible"] is False
    assert [f.code for f in rows[propaganda.pk]["failures"]] == ["rank", "band"]
    html = text(page)
    assert "Ranked within the first 3 places of the block." in html
    assert "4/4" in html  # the Propaganda Board's rank out of four
    checked = re.findall(r'<input type="checkbox" name="units" value="(\d+)"[^>]*checked', html)
    assert sorted(map(int, checked)) == sorted([office.pk, organisation.pk, newspaper.pk])


def test_htmx_redraws_the_form_when_the_kind_changes(world: World, client: Client) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    page = client.get(
        url("ballot_create", world.block_year.pk) + "?kind=acclaim", HTTP_HX_REQUEST="true"
    )
    assert next(t.name for t in page.templates) == "awards/ballots/_create_form.html"
    assert page.context["form"]["units"].initial == [world.units[0].pk]
    assert 'id="id_award"' not in text(page)


def test_preparing_a_ballot_saves_it_as_a_draft(world: World, client: Client) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    response = client.post(
        url("ballot_create", world.block_year.pk),
        {
            "kind": "head",
            "method": "online",
            "seats": "1",
            "closes_on": "31/12/2099",
            "units": [u.pk for u in world.units[1:3]],
        },
    )
    ballot = Ballot.objects.get()
    assert response["Location"] == ballot.get_absolute_url()
    assert (ballot.kind, ballot.status, ballot.closes_on) == (
        "head",
        "draft",
        datetime.date(2099, 12, 31),
    )
    assert [c.unit for c in ballot.candidates.order_by("position")] == world.units[1:3]


def test_the_services_refusal_is_shown_on_the_form_and_nothing_is_saved(
    world: World, client: Client
) -> None:
    make_published_ranking(world)
    client.force_login(world.secretariat)
    base = {"kind": "nomination", "award": "pm-certificate", "method": "online"}
    response = client.post(
        url("ballot_create", world.block_year.pk),
        {**base, "units": [world.units[0].pk, world.units[2].pk]},
    )
    assert response.status_code == 200
    assert "Not a candidate under the rules: Ban Tuyên giáo Tỉnh ủy" in text(response)
    response = client.post(url("ballot_create", world.block_year.pk), base)
    assert "Tick at least one candidate." in text(response)
    response = client.post(
        url("ballot_create", world.block_year.pk),
        {**base, "units": [world.other_unit.pk]},
    )
    assert "Select a valid choice" in text(response)
    response = client.post(
        url("ballot_create", world.block_year.pk),
        {
            "kind": "nomination",
            "award": "no-such",
            "method": "online",
            "units": [world.units[0].pk],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["award"]
    response = client.post(
        url("ballot_create", world.block_year.pk),
        {
            "kind": "head",
            "method": "online",
            "units": [world.units[0].pk],
            "closes_on": "01/01/2020",
        },
    )
    assert "The closing date cannot be in the past." in text(response)
    assert not Ballot.objects.exists()


# One ballot -----------------------------------------------------------------------------------


def test_the_ballot_page_explains_the_rules_and_the_leaders_part(
    world: World, client: Client
) -> None:
    ballot = make_ballot(world)  # Chairman's certificate: quorum 2/3, more than half of members
    client.force_login(world.leader)
    page = text(client.get(ballot.get_absolute_url()))
    assert "Quorum: at least 2/3 of the member units vote, that is 3 of 4." in page
    assert "A candidate succeeds with more than 1/2 of all member units." in page
    assert "That is at least 3 votes." in page
    assert "Ban Tuyên giáo Tỉnh ủy has not voted yet." in page
    assert url("ballot_vote", ballot.pk) in page
    client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    page = text(client.get(ballot.get_absolute_url()))
    assert "Ban Tuyên giáo Tỉnh ủy voted on" in page
    assert url("ballot_vote", ballot.pk) not in page
    assert url("ballot_receipt", ballot.pk) in page


def test_a_closed_ballot_shows_results_chart_roll_and_hash(world: World, client: Client) -> None:
    ballot = make_closed_ballot(world)
    client.force_login(world.officer)
    response = client.get(ballot.get_absolute_url())
    page = text(response)
    assert 'id="results"' in page and "Quorum reached." in page
    assert ballot.results_sha256 in page
    assert "<svg" in page and 'aria-labelledby="chart-votes-title"' in page
    assert "style=" not in page.split('aria-labelledby="chart-votes-title"')[1].split("</svg>")[0]
    assert "Succeeded with 4 votes (3 needed)." in page
    roll = page.split('id="voter-roll"')[1].split("</ul>")[0]
    assert all(u.name in roll for u in world.units)
    chart = response.context["chart"]
    assert [bar["agree"] for bar in chart["bars"]] == [4, 4, 4]


def test_a_ballot_outside_ones_province_is_not_found(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    client.force_login(world.outsider)
    for name in ("ballot_detail", "ballot_vote", "ballot_receipt", "ballot_close"):
        assert client.get(url(name, ballot.pk)).status_code == 404


# Opening and closing --------------------------------------------------------------------------


def test_opening_asks_for_a_closing_date_and_refuses_a_past_one(
    world: World, client: Client
) -> None:
    ballot = make_ballot(world, opened=False)
    client.force_login(world.secretariat)
    page = text(client.get(url("ballot_open", ballot.pk)))
    assert "Open the ballot" in page
    response = client.post(url("ballot_open", ballot.pk), {"closes_on": "01/01/2020"})
    assert "The closing date has passed" in text(response)
    ballot.refresh_from_db()
    assert ballot.status == "draft"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    counting.seat_board(ballot)  # each teller has received their code
    response = client.post(
        url("ballot_open", ballot.pk), {"closes_on": tomorrow.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    ballot.refresh_from_db()
    assert (ballot.status, ballot.closes_on, ballot.members) == ("open", tomorrow, 4)


def test_opening_a_paper_ballot_is_refused_on_the_form(world: World, client: Client) -> None:
    paper = make_ballot(world, method="paper")
    client.force_login(world.secretariat)
    response = client.post(url("ballot_open", paper.pk), {})
    assert "recorded from its counts, not opened" in text(response)


def test_closing_counts_and_closing_again_is_refused(world: World, client: Client) -> None:
    ballot = make_ballot(world, kind="acclaim")
    client.force_login(world.secretariat)
    page = text(client.get(url("ballot_close", ballot.pk)))
    assert "0 of 4 member units have voted; the quorum needs 3." in page
    response = client.post(url("ballot_close", ballot.pk), follow=True)
    assert "Voting is closed." in text(response)
    assert "Void: quorum not reached." in text(response)
    response = client.post(url("ballot_close", ballot.pk), follow=True)
    assert "Only an open ballot can be closed." in text(response)


# Voting ---------------------------------------------------------------------------------------


def test_a_leader_votes_once_and_sees_the_receipt_once(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    client.force_login(world.leader)
    paper = text(client.get(url("ballot_vote", ballot.pk)))
    assert "for Ban Tuyên giáo Tỉnh ủy" in paper and "cannot be changed afterwards" in paper
    response = client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    receipt = RECEIPT.search(text(response))
    assert receipt is not None and receipt.group(0) == response.context["receipt"]
    assert ballots.check_receipt(ballot, receipt.group(0)).found
    again = client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    assert "A ballot cannot be cast twice or changed." in text(again)
    assert again.context["form"].non_field_errors() == [
        "Your unit has already voted in this ballot."
    ]
    assert (RollEntry.objects.count(), SealedBallot.objects.count()) == (1, 1)
    assert RECEIPT.search(text(client.get(url("ballot_vote", ballot.pk)))) is None


def test_a_ballot_paper_needs_every_answer_and_the_confirmation(
    world: World, client: Client
) -> None:
    ballot = make_ballot(world)
    client.force_login(world.leader)
    first = ballot.candidates.order_by("position").first()
    assert first is not None
    partial = {f"candidate_{first.pk}": "agree", "confirm": "on"}
    response = client.post(url("ballot_vote", ballot.pk), partial)
    assert "Say whether you agree or disagree." in text(response)
    unconfirmed = agree_to_all(ballot)
    unconfirmed.pop("confirm")
    response = client.post(url("ballot_vote", ballot.pk), unconfirmed)
    assert response.context["form"].errors["confirm"]
    bogus = agree_to_all(ballot) | {f"candidate_{first.pk}": "maybe"}
    assert client.post(url("ballot_vote", ballot.pk), bogus).context["form"].errors
    assert not RollEntry.objects.exists() and not SealedBallot.objects.exists()


def test_choosing_more_than_the_places_is_refused(world: World, client: Client) -> None:
    election = make_ballot(world, kind="deputy", seats=2)
    client.force_login(world.leader)
    everyone = [str(c.pk) for c in election.candidates.all()]
    response = client.post(url("ballot_vote", election.pk), {"chosen": everyone, "confirm": "on"})
    assert "Choose at most 2 candidate(s)." in text(response)
    assert not SealedBallot.objects.exists()
    response = client.post(
        url("ballot_vote", election.pk), {"chosen": everyone[:2], "confirm": "on"}
    )
    assert response.status_code == 200 and response.context["receipt"]


def test_voting_after_the_closing_date_is_refused_on_the_paper(
    world: World, client: Client
) -> None:
    ballot = make_ballot(world)
    Ballot.objects.filter(pk=ballot.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(world.leader)
    response = client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    assert "Voting closed on" in text(response)
    assert "The closing date has passed" in text(client.get(ballot.get_absolute_url()))
    assert not SealedBallot.objects.exists()


def test_a_closed_ballot_takes_no_vote(world: World, client: Client) -> None:
    ballot = make_closed_ballot(world, kind="acclaim")
    outsider_leader = make_user(preferred_language="en")
    unit = make_unit(world.authority)
    UnitRole.objects.create(user=outsider_leader, unit=unit, role=UnitRole.Role.LEADER)
    Membership.objects.create(
        block_year=world.block_year, unit=unit, position=9, joined_on=timezone.localdate()
    )
    client.force_login(outsider_leader)
    assert "This ballot is not open for voting." in text(client.get(url("ballot_vote", ballot.pk)))
    response = client.post(url("ballot_vote", ballot.pk), agree_to_all(ballot))
    assert "This ballot is not open for voting." in text(response)


def test_only_a_units_leader_may_open_the_ballot_paper(world: World, client: Client) -> None:
    ballot = make_ballot(world)
    for person in (world.admin, world.secretariat, world.officer, world.staff):
        client.force_login(person)
        assert client.get(url("ballot_vote", ballot.pk)).status_code == 403


# Receipts -------------------------------------------------------------------------------------


def test_a_receipt_is_recorded_then_counted_and_a_wrong_one_is_not_found(
    world: World, client: Client
) -> None:
    ballot = make_ballot(world, kind="acclaim")
    receipt = ballots.cast_vote(ballot, by=world.leader, choices={ballot.candidates.get().pk: True})
    client.force_login(world.member)  # anyone who sees the year may check
    check = url("ballot_receipt", ballot.pk)
    response = client.post(check, {"code": receipt.lower().replace("-", " ")})
    assert 'data-result="recorded"' in text(response)
    assert "no-store" in response["Cache-Control"]
    assert 'data-result="not-found"' in text(client.post(check, {"code": "ABCD-EFGH-JKLM"}))
    response = client.post(check, {"code": "ABC"})
    assert "A receipt code has 12 letters and digits." in text(response)
    for leader in make_leaders(world)[:2]:
        ballots.cast_vote(ballot, by=leader, choices={ballot.candidates.get().pk: True})
    counting.close_ballot(ballot, by=world.secretariat)
    assert 'data-result="counted"' in text(client.post(check, {"code": receipt}))


# Eligibility ----------------------------------------------------------------------------------


def test_the_eligibility_matrix_and_one_units_rules(world: World, client: Client) -> None:
    make_published_ranking(world)
    Nomination.objects.create(
        block_year=world.block_year,
        award_type=AwardType.objects.get(code="provincial-flag"),
        unit=world.units[0],
        unit_name=world.units[0].name,
        attestations={"no_discipline": True, "no_inspection": True, "no_complaint": True},
    )
    # The block's acclaim ballot acclaimed the leading unit: a flag needs it.
    acclaim = Ballot.objects.create(
        block_year=world.block_year,
        kind=Ballot.Kind.ACCLAIM,
        mode=Ballot.Mode.APPROVE,
        status=Ballot.Status.CLOSED,
        created_by=world.staff,
    )
    acclaim.candidates.create(unit=world.units[0], unit_name=world.units[0].name, elected=True)
    client.force_login(world.officer)
    matrix = client.get(url("eligibility", world.block_year.pk))
    verdicts = {row["unit"].pk: row["verdict"] for row in matrix.context["matrix"]}
    assert matrix.context["award"].code == "provincial-flag"
    assert verdicts == {
        world.units[0].pk: "passes",
        world.units[1].pk: "fails",
        world.units[2].pk: "fails",
        world.units[3].pk: "fails",
    }
    assert "Only the block&#x27;s leading unit" in text(matrix)
    one = client.get(
        url("eligibility", world.block_year.pk) + f"?award=pm-certificate&unit={world.units[2].pk}"
    )
    page = text(one)
    assert one.context["verdict"] == "fails"
    assert "Ranked within the first 3 places of the block." in page
    assert "Rank 4 with 95 points" in page
    assert "Nghị định số 152/2025/NĐ-CP" in page
    # The version that judges 2026 and each rule's article: the rank is the province's own rule.
    assert one.context["version"].decree == "152/2025"
    assert 'id="rule-version"' in page and "01/07/2025" in page
    assert 'data-citation="local"' in page and 'data-citation="unconfirmed"' in page
    for hostile in ("?unit=99999999999999999999999", "?unit=x", "?award=%00"):
        assert client.get(url("eligibility", world.block_year.pk) + hostile).status_code == 200
    kept = client.get(url("eligibility", world.block_year.pk) + "?award=pm-certificate&unit=x")
    assert kept.context["award"].code == "pm-certificate" and kept.context["form"].errors["unit"]
