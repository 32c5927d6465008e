"""The award rules by authority and by date: a table per rule version (facts in, verdict and
citation out), the acclaim a flag needs, one achievement one award, the multi-year conditions
read from the unit's history, and the base of the Government flag's 20 per cent."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from awards import catalogue, eligibility
from awards.caps import cap_base, cap_for
from awards.eligibility import RuleResult, check
from awards.models import AwardType, Ballot, CapBase, Nomination, PastRecord, RuleVersion
from awards.services import catalogue as services
from blocks.models import Authority, BlockYear, Unit
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.factories import World, make_block_year, make_published_ranking

pytestmark = pytest.mark.django_db


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def by_code(results: list[RuleResult]) -> dict[str, RuleResult]:
    return {r.code: r for r in results}


def judged_in(world: World, year: int, *, central: bool = False) -> BlockYear:
    """The world's block year, ranked, moved to `year` (and its authority made central)."""
    make_published_ranking(world)
    BlockYear.objects.filter(pk=world.block_year.pk).update(year=year)
    if central:
        Authority.objects.filter(pk=world.authority.pk).update(level=Authority.Level.CENTRAL)
    return BlockYear.objects.select_related("block__authority").get(pk=world.block_year.pk)


def acclaim(block_year: BlockYear, unit: Unit, by: Any, elected: bool | None) -> None:
    ballot = Ballot.objects.create(
        block_year=block_year,
        kind=Ballot.Kind.ACCLAIM,
        mode=Ballot.Mode.APPROVE,
        status=Ballot.Status.OPEN if elected is None else Ballot.Status.CLOSED,
        created_by=by,
    )
    ballot.candidates.create(unit=unit, unit_name=unit.name, elected=elected)


def nominate(block_year: BlockYear, unit: Unit, code: str) -> Nomination:
    return Nomination.objects.create(
        block_year=block_year, award_type=award(code), unit=unit, unit_name=unit.name
    )


# The version in force for the year ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "decree"), [(2024, "98/2023"), (2025, "152/2025"), (2026, "152/2025")]
)
def test_a_year_is_judged_by_the_decree_in_force_on_its_31_december(
    world: World, year: int, decree: str
) -> None:
    block_year = judged_in(world, year)
    results = check(award("provincial-flag"), block_year, world.units[0])
    assert {r.version.split(" (")[0] for r in results} == {f"Decree {decree}/NĐ-CP"}
    attest = by_code(results)["attest:no_discipline"]
    assert attest.legal_basis.startswith(f"Nghị định số {decree}/NĐ-CP")
    assert catalogue.decree_on(datetime.date(2025, 6, 30)) == "98/2023"
    assert catalogue.decree_on(datetime.date(2025, 7, 1)) == "152/2025"


# Facts in, verdict and citation out, per version -------------------------------------------

# (year, central, award, unit index, facts, {rule: passes}, {rule: (article part, confirmed)})
TABLE = [
    # Provincial flag, Decree 98 then 152: the leader, acclaimed, passes every rule but the
    # attestations it has not given.
    (
        2024,
        False,
        "provincial-flag",
        0,
        "acclaimed",
        {"leading": True, "acclaim": True, "per_block": True, "one_award": True},
        {"leading": ("Điều 26", False), "band": ("Quy chế", False)},
    ),
    (
        2025,
        False,
        "provincial-flag",
        0,
        "not_acclaimed",
        {"leading": True, "acclaim": False},
        {"acclaim": ("Nghị định số 152/2025/NĐ-CP", False)},
    ),
    (2026, False, "provincial-flag", 0, "no_acclaim", {"acclaim": False}, {}),
    (2026, False, "provincial-flag", 0, "open_acclaim", {"acclaim": False}, {}),
    # The Government flag in a province: Art. 25(1), the 20 per cent of letter 5007.
    (
        2026,
        False,
        "government-flag",
        0,
        "acclaimed",
        {"leading": True, "acclaim": True, "prerequisite": False, "cap": False},
        {"leading": ("Điều 25 khoản 1", True), "cap": ("5007/BNV-TĐKT", False)},
    ),
    # The Government flag in a cluster of the Central Council: Art. 25(2), no 20 per cent.
    (
        2026,
        True,
        "government-flag",
        0,
        "acclaimed",
        {"leading": True, "acclaim": True},
        {"leading": ("Điều 25 khoản 2", True)},
    ),
    # The Central Council does not offer the provincial awards.
    (2026, True, "provincial-flag", 0, "acclaimed", {"offered": False}, {}),
    (2026, True, "chairman-certificate", 1, "acclaimed", {"offered": False}, {}),
    # The Prime Minister's certificate: five years completing tasks well, and under Decree 98
    # an earlier provincial certificate; not under Decree 152.
    (
        2024,
        False,
        "pm-certificate",
        1,
        "no_acclaim",
        {"rank": True, "years_well": False, "earlier_award": False},
        {"years_well": ("Điều 73", False), "rank": ("Quy chế", False)},
    ),
    (
        2026,
        False,
        "pm-certificate",
        1,
        "history",
        {"rank": True, "years_well": True},
        {"years_well": ("Điều 73", False)},
    ),
    # The Chairman's certificate: ranked within four places (the province's convention).
    (
        2026,
        False,
        "chairman-certificate",
        1,
        "no_acclaim",
        {"rank": True, "one_award": True},
        {"rank": ("không phải của Luật", False)},
    ),
]


def _facts(name: str, block_year: BlockYear, unit: Unit, world: World) -> None:
    if name in ("acclaimed", "not_acclaimed", "open_acclaim"):
        elected = {"acclaimed": True, "not_acclaimed": False, "open_acclaim": None}[name]
        acclaim(block_year, unit, world.staff, elected)
    if name == "history":
        for year in range(block_year.year - 5, block_year.year):
            services.add_past_record(unit, year=year, result="well", by=world.staff)


@pytest.mark.parametrize(("year", "central", "code", "index", "facts", "verdicts", "cites"), TABLE)
def test_each_rule_version_gives_its_verdict_and_its_article(
    world: World,
    year: int,
    central: bool,
    code: str,
    index: int,
    facts: str,
    verdicts: dict[str, bool],
    cites: dict[str, tuple[str, bool]],
) -> None:
    block_year = judged_in(world, year, central=central)
    unit = world.units[index]
    _facts(facts, block_year, unit, world)
    results = by_code(check(award(code), block_year, unit))
    assert {c: results[c].passed for c in verdicts if c in results} == verdicts, list(results)
    for rule, (part, confirmed) in cites.items():
        assert part in results[rule].legal_basis
        assert results[rule].confirmed is confirmed
    if central and code == "government-flag":
        assert "cap" not in results and "prerequisite" not in results
    if code == "pm-certificate":
        assert ("earlier_award" in results) is (year < 2025)


def test_a_failed_acclaim_says_why(world: World) -> None:
    block_year = judged_in(world, 2026)
    flag = award("provincial-flag")
    assert by_code(check(flag, block_year, world.units[0]))["acclaim"].data == (
        "The block has not held its acclaim ballot."
    )
    acclaim(block_year, world.units[0], world.staff, None)
    assert by_code(check(flag, block_year, world.units[0]))["acclaim"].data == (
        "The block's acclaim ballot is not closed yet."
    )
    acclaim(block_year, world.units[0], world.staff, False)
    found = by_code(check(flag, block_year, world.units[0]))["acclaim"]
    assert (found.passed, found.data) == (False, "The block's ballot did not acclaim the unit.")


def test_one_achievement_one_award_with_the_laws_exceptions(world: World) -> None:
    block_year = judged_in(world, 2026)
    leader = world.units[0]
    nominate(block_year, leader, "provincial-flag")
    # The same unit for the Chairman's certificate: refused, and said why.
    clash = by_code(check(award("chairman-certificate"), block_year, leader))["one_award"]
    assert clash.passed is False
    assert "Provincial Emulation Flag" in clash.data
    # The Government flag goes with the provincial flag (Art. 25(1)); the unit-level title too.
    assert by_code(check(award("government-flag"), block_year, leader))["one_award"].passed
    assert "one_award" not in by_code(check(award("excellent-labour"), block_year, leader))
    # Another unit is not concerned.
    other = by_code(check(award("chairman-certificate"), block_year, world.units[1]))
    assert other["one_award"].passed is True


def test_the_years_before_the_app_count_with_the_apps_own_rankings(world: World) -> None:
    block_year = judged_in(world, 2026)
    unit = world.units[1]
    for year in (2021, 2022, 2023):
        services.add_past_record(unit, year=year, result="excellent", by=world.staff)
    services.add_past_record(unit, year=2024, result="done", by=world.staff)
    # 2025 ranked in the app: unit 2 is classified in the block's first band.
    earlier = make_block_year(world.block, world.units, year=2025)
    assert earlier.year == 2025
    results = by_code(check(award("pm-certificate"), block_year, unit))
    assert results["years_well"].passed is False
    assert "missing: 2024, 2025" in results["years_well"].data


# The base of the 20 per cent ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("leading", "rounding", "cap"),
    [(9, "floor", 1), (9, "half_up", 2), (12, "floor", 2), (12, "half_up", 2), (13, "half_up", 3)],
)
def test_the_share_is_rounded_as_the_council_chose(leading: int, rounding: str, cap: int) -> None:
    assert cap_for(20, leading, rounding) == cap


def test_the_council_sets_the_base_and_the_cap_follows(world: World) -> None:
    block_year = judged_in(world, 2026)
    base = cap_base(world.authority, 2026)
    assert (base.leading_units, base.entered) == (1, None)  # the one block the app knows
    with pytest.raises(DomainError):
        services.set_cap_base(
            world.authority, 2026, leading_units=12, rounding="floor", by=world.member
        )
    with pytest.raises(DomainError):
        services.set_cap_base(
            world.authority, 2026, leading_units=-1, rounding="floor", by=world.staff
        )
    services.set_cap_base(
        world.authority,
        2026,
        leading_units=13,
        rounding="half_up",
        note="13 khối, cụm",
        by=world.staff,
        reason="Số liệu của Sở Nội vụ",
    )
    services.set_cap_base(
        world.authority,
        2026,
        leading_units=13,
        rounding="half_up",
        note="13 khối, cụm",
        by=world.staff,
    )  # the same again: nothing recorded
    assert CapBase.objects.get().leading_units == 13
    events = AuditEvent.objects.filter(action="awards.capbase.set")
    assert events.count() == 1 and events.get().reason == "Số liệu của Sở Nội vụ"
    acclaim(block_year, world.units[0], world.staff, True)
    nominate(block_year, world.units[0], "provincial-flag")
    cap = by_code(check(award("government-flag"), block_year, world.units[0]))["cap"]
    assert cap.passed is True
    assert "13 (entered by the council), so at most 3 proposals (rounded half up)" in cap.data


# The unit's history ------------------------------------------------------------------------


def test_earlier_awards_need_a_decision_number_and_are_recorded_once(world: World) -> None:
    unit = world.units[2]
    with pytest.raises(DomainError):
        services.add_past_record(
            unit, year=2020, award_type=award("chairman-certificate"), by=world.staff
        )
    with pytest.raises(DomainError):
        services.add_past_record(unit, year=2020, result="well", by=world.leader)
    for _ in range(2):  # a double click
        services.add_past_record(
            unit,
            year=2020,
            award_type=award("chairman-certificate"),
            decision_number="1234/QĐ-UBND",
            decision_date=datetime.date(2021, 2, 3),
            issuer="UBND tỉnh Quảng Trị",
            by=world.staff,
        )
    assert PastRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="awards.pastrecord.added").count() == 1


def test_the_history_page_lists_titles_years_and_decision_numbers(
    world: World, client: Client
) -> None:
    unit = world.units[2]
    services.add_past_record(
        unit,
        year=2023,
        award_type=award("chairman-certificate"),
        decision_number="88/QĐ-UBND",
        by=world.staff,
    )
    services.add_past_record(unit, year=2023, result="excellent", by=world.staff)
    client.force_login(world.leader)
    detail = client.get(reverse("blocks:unit_detail", args=[unit.pk])).content.decode()
    assert reverse("awards:unit_history", args=[unit.pk]) in detail
    page = client.get(reverse("awards:unit_history", args=[unit.pk])).content.decode()
    assert 'data-year="2023"' in page and "88/QĐ-UBND" in page
    assert reverse("awards:past_record_add", args=[unit.pk]) not in page  # staff only
    client.force_login(world.staff)
    response = client.post(
        reverse("awards:past_record_add", args=[unit.pk]),
        {"year": "2022", "title": "Cờ thi đua của Bộ", "decision_number": "7/QĐ-BNV"},
    )
    assert response.status_code == 302
    assert "7/QĐ-BNV" in client.get(response["Location"]).content.decode()


def test_the_cap_base_form_is_prefilled_and_saves(world: World, client: Client) -> None:
    client.force_login(world.staff)
    address = reverse("awards:cap_base", args=[world.authority.pk, 2026])
    form = client.get(address)
    assert form.context["form"].initial["leading_units"] == 1
    assert client.post(address, {"leading_units": "7", "rounding": "floor"}).status_code == 302
    assert cap_base(world.authority, 2026).leading_units == 7


# The catalogue in the database -------------------------------------------------------------


def test_the_data_migration_writes_each_authoritys_catalogue(world: World) -> None:
    Authority.objects.filter(pk=world.other_authority.pk).update(level=Authority.Level.CENTRAL)
    migration = importlib.import_module("awards.migrations.0009_award_catalogue_from_types")
    migration.create(apps, None)
    province = RuleVersion.objects.filter(authority=world.authority)
    assert province.count() == 12  # six awards (one to individuals), two decrees
    central = RuleVersion.objects.filter(authority=world.other_authority)
    assert sorted(set(central.values_list("award_type__code", flat=True))) == [
        "government-flag",
        "pm-certificate",
    ]
    chairman = province.get(award_type__code="chairman-certificate", decree="98/2023")
    assert sorted(chairman.excludes.values_list("code", flat=True)) == [
        "government-flag",
        "provincial-flag",
    ]
    # The rows now decide: the version in force, and an award the council stops offering.
    block_year = judged_in(world, 2024)
    results = check(award("chairman-certificate"), block_year, world.units[1])
    assert results[0].version.startswith("Decree 98/2023/NĐ-CP (01/01/2024 – 30/06/2025)")
    province.filter(award_type__code="excellent-labour").update(offered=False)
    assert [r.code for r in check(award("excellent-labour"), block_year, world.units[1])] == [
        "offered"
    ]
    assert eligibility.passes(check(award("excellent-labour"), block_year, world.units[1])) is False
