"""The pages of a unit's people and of the proposals of people: what a unit officer does through
them, and a fixed number of queries whatever the number of people and proposals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import AwardType, PersonProposal
from awards.services import proposals
from blocks.models import Person
from tests.factories import World, make_person

pytestmark = pytest.mark.django_db
CODE = "chairman-certificate-individual"


def measure(client: Client, address: str, count_queries: Any) -> int:
    assert client.get(address).status_code == 200
    return int(count_queries(lambda: client.get(address)))


def propose_some(world: World, count: int) -> None:
    award = AwardType.objects.get(code=CODE)
    for unit, by in ((world.units[2], world.officer), (world.units[3], world.leader2)):
        for _ in range(count):
            proposals.propose_person(
                world.block_year, award, make_person(unit), by=by, summary="Thành tích."
            )


def test_the_officer_adds_a_person_and_finds_them_by_an_unaccented_search(
    world: World, client: Client
) -> None:
    client.force_login(world.officer)
    unit = world.units[2]
    response = client.post(
        reverse("blocks:unit_person_add", args=[unit.pk]),
        {"full_name": "Lê Thị Hoa", "title": "Trưởng phòng", "code": "P1", "birth_year": 1980},
    )
    assert response.status_code == 302
    person = Person.objects.get(code="P1")
    page = client.get(reverse("blocks:unit_people", args=[unit.pk]), {"q": "le thi hoa"})
    assert "Lê Thị Hoa" in page.content.decode()
    assert reverse("blocks:unit_person_edit", args=[person.pk]) in page.content.decode()
    detail = client.get(unit.get_absolute_url()).content.decode()
    assert 'id="unit-people"' in detail and 'id="unit-proposals"' in detail


def test_the_officer_proposes_a_person_through_the_form(world: World, client: Client) -> None:
    person = make_person(world.units[2], full_name="Lê Thị Hoa")
    client.force_login(world.officer)
    address = reverse("awards:proposal_create", args=[world.block_year.pk])
    form = client.get(address).content.decode()
    assert "Lê Thị Hoa" in form
    response = client.post(address, {"award": CODE, "person": person.pk, "summary": "Sáng kiến."})
    assert response.status_code == 302
    assert PersonProposal.objects.get().person == person
    listed = client.get(reverse("awards:proposal_list", args=[world.block_year.pk]))
    assert "Lê Thị Hoa" in listed.content.decode()


def test_another_units_person_cannot_be_chosen(world: World, client: Client) -> None:
    other = make_person(world.units[3])
    client.force_login(world.officer)
    address = reverse("awards:proposal_create", args=[world.block_year.pk])
    response = client.post(address, {"award": CODE, "person": other.pk, "summary": "x"})
    assert response.status_code == 200
    assert not PersonProposal.objects.exists()


def test_a_unit_sees_its_own_proposals_and_the_secretariat_all(
    world: World, client: Client
) -> None:
    propose_some(world, 1)
    address = reverse("awards:proposal_list", args=[world.block_year.pk])
    client.force_login(world.officer)
    own = client.get(address).content.decode()
    assert world.units[2].name in own and world.units[3].name not in own
    client.force_login(world.secretariat)
    everything = client.get(address).content.decode()
    assert world.units[2].name in everything and world.units[3].name in everything


LIST_PINS = {"secretariat": 6, "officer": 6}


@pytest.mark.parametrize("role", sorted(LIST_PINS))
def test_the_years_proposals_do_not_grow(
    role: str, world: World, client: Client, count_queries: Any
) -> None:
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    address = reverse("awards:proposal_list", args=[world.block_year.pk])
    propose_some(world, 1)
    small = measure(client, address, count_queries)
    propose_some(world, 4)
    large = measure(client, address, count_queries)
    assert (small, large) == (LIST_PINS[role], LIST_PINS[role]), (small, large)


PAGE_PINS = {"blocks:unit_people": 6, "awards:unit_proposals": 7}


@pytest.mark.parametrize("name", sorted(PAGE_PINS))
def test_a_units_pages_of_people_do_not_grow(
    name: str, world: World, client: Client, count_queries: Any
) -> None:
    client.force_login(world.officer)
    address = reverse(name, args=[world.units[2].pk])
    propose_some(world, 1)
    small = measure(client, address, count_queries)
    propose_some(world, 5)
    for _ in range(5):
        make_person(world.units[2])
    large = measure(client, address, count_queries)
    assert (small, large) == (PAGE_PINS[name], PAGE_PINS[name]), (small, large)


def test_the_home_page_asks_a_unit_to_propose_its_people_until_it_has(
    world: World, client: Client
) -> None:
    from tests.factories import make_published_ranking

    make_published_ranking(world)
    client.force_login(world.officer)
    address = reverse("awards:proposal_list", args=[world.block_year.pk])
    assert address in client.get(reverse("home")).content.decode()
    propose_some(world, 1)
    assert address not in client.get(reverse("home")).content.decode()


def test_the_eligibility_page_judges_each_person_proposed(world: World, client: Client) -> None:
    propose_some(world, 1)
    client.force_login(world.secretariat)
    page = client.get(
        reverse("awards:eligibility", args=[world.block_year.pk]), {"award": CODE}
    ).content.decode()
    names = [p.person_name for p in PersonProposal.objects.all()]
    assert all(name in page for name in names)
    assert "data-rule" not in page  # one table of people, not a unit's details


def test_the_secretariat_prepares_the_ballot_on_people_from_the_form(
    world: World, client: Client
) -> None:
    from awards.models import Ballot
    from tests.factories import make_leaders, make_published_ranking

    propose_some(world, 1)
    make_published_ranking(world)
    make_leaders(world)
    client.force_login(world.secretariat)
    address = reverse("awards:ballot_create", args=[world.block_year.pk])
    form = client.get(address, {"kind": "nomination", "award": CODE}).content.decode()
    assert 'id="proposed-people"' in form
    response = client.post(
        address, {"kind": "nomination", "award": CODE, "method": "online", "closes_on": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ballot = Ballot.objects.get(award_type__code=CODE)
    assert {c.person_id for c in ballot.candidates.all()} == set(
        PersonProposal.objects.values_list("person", flat=True)
    )
    page = client.get(ballot.get_absolute_url()).content.decode()
    assert all(p.person_name in page for p in PersonProposal.objects.all())


def test_the_admin_shows_people_and_proposals_read_only(world: World, client: Client) -> None:
    propose_some(world, 1)
    client.force_login(world.admin)
    for name in ("admin:blocks_person_changelist", "admin:awards_personproposal_changelist"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("admin:blocks_person_add")).status_code == 403


def test_a_leader_votes_on_each_person_by_name(world: World, client: Client) -> None:
    from awards.models import Ballot
    from awards.services import ballots
    from tests import counting
    from tests.factories import make_leaders, make_published_ranking

    propose_some(world, 1)
    make_published_ranking(world)
    make_leaders(world)
    ballot = ballots.create_ballot(
        world.block_year,
        by=world.secretariat,
        kind=Ballot.Kind.NOMINATION,
        award=AwardType.objects.get(code=CODE),
    )
    counting.open_ballot(ballot, by=world.secretariat)
    client.force_login(world.leader)
    page = client.get(reverse("awards:ballot_vote", args=[ballot.pk])).content.decode()
    for candidate in ballot.candidates.all():
        assert candidate.person_name in page and candidate.person_title in page


def test_council_staff_keep_a_units_people_but_are_offered_no_proposal(
    world: World, client: Client
) -> None:
    """Only the unit's own leaders and officers propose its people: the unit's proposals page
    offers council staff no way to, and the officer a way for each open year."""
    address = reverse("awards:unit_proposals", args=[world.units[2].pk])
    propose = reverse("awards:proposal_create", args=[world.block_year.pk])
    client.force_login(world.staff)
    assert propose not in client.get(address).content.decode()
    client.force_login(world.officer)
    assert propose in client.get(address).content.decode()
