"""The ranking, computed in SQL, equals a hand calculation: totals with bonus capped and
deductions, classification by bands with their floors, ties broken by the tie-break order and
the rest left to a vote. Publishing freezes it with a hash."""

from __future__ import annotations

import io
from decimal import Decimal
from hashlib import sha256
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from emulation.errors import DomainError
from scoring import services
from scoring.models import CriteriaTable, Ranking, RankingRow, Score, ScoreSheet
from scoring.ranking import computed_rows, frozen_rows, sheet_totals
from tests.factories import World, make_covenant_in_force, make_criteria_table

TABLE = """code,title_vi,title_en,max_points,kind,evidence_required,guidance_vi
I,Nhiệm vụ chính trị,,60,standard,no,
I.1,Chỉ tiêu,,40,standard,no,
I.2,Tham mưu,,20,standard,no,
II,Xây dựng Đảng,,40,standard,no,
II.1,Tổ chức đảng,,20,standard,no,
II.2,Đoàn thể,,20,standard,no,
IV,Điểm thưởng,,10,bonus,no,
IV.1,Mô hình,,8,bonus,no,
IV.2,Cờ thi đua,,8,bonus,no,
V,Điểm trừ,,5,deduction,no,
V.1,Báo cáo chậm,,5,deduction,no,
"""

# The hand calculation, per unit of the world:
#   A: 40+20+20+20 = 100, bonus 8+8 = 16 capped at 10          -> 110, excellent
#   B: 36.1+17.9+18+18 = 90 (section I 54)                      ->  90, excellent
#   C: 40+20+18+14 = 92, minus 2 (section I 60; II.2 at 70%)    ->  90, completed (floor)
#   D: 36+18+18+18 = 90 (section I 54, section II 36, as B)     ->  90, excellent
# B, C and D tie on 90; section I puts C first; B and D tie on every section: a vote.
POINTS = [
    {"I.1": "40", "I.2": "20", "II.1": "20", "II.2": "20", "IV.1": "8", "IV.2": "8"},
    {"I.1": "36.1", "I.2": "17.9", "II.1": "18", "II.2": "18"},
    {"I.1": "40", "I.2": "20", "II.1": "18", "II.2": "14", "V.1": "2"},
    {"I.1": "36", "I.2": "18", "II.1": "18", "II.2": "18"},
]
EXCELLENT, GOOD, COMPLETED = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
)


@pytest.fixture
def table(world: World) -> CriteriaTable:
    make_covenant_in_force(world)
    table = make_criteria_table(world, csv=TABLE.encode())
    from django.utils import timezone

    services.open_self_assessment(table, by=world.secretariat, deadline=timezone.localdate())
    for unit, points in zip(world.units, POINTS, strict=True):
        for code, value in points.items():
            Score.objects.filter(sheet__unit=unit, criterion__code=code).update(
                self_points=Decimal(value)
            )
    ScoreSheet.objects.update(status=ScoreSheet.Status.FINAL)
    table.refresh_from_db()
    return table


def by_unit(world: World, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = dict(zip([u.pk for u in world.units], "ABCD", strict=True))
    return {names[row["unit_id"]]: row for row in rows}


def test_the_ranking_equals_the_hand_calculation(world: World, table: CriteriaTable) -> None:
    _sections, rows = computed_rows(table)
    found = by_unit(world, rows)
    assert [
        (k, found[k]["rank"], found[k]["total"], found[k]["band"], found[k]["tie"]) for k in "ABCD"
    ] == [
        ("A", 1, Decimal(110), EXCELLENT, ""),
        ("B", 3, Decimal(90), EXCELLENT, "vote"),
        ("C", 2, Decimal(90), COMPLETED, "broken"),
        ("D", 3, Decimal(90), EXCELLENT, "vote"),
    ]
    assert (found["A"]["bonus"], found["A"]["sections"]["IV"]) == (Decimal(10), Decimal(16))
    assert (found["C"]["standard"], found["C"]["deduction"], found["C"]["sections"]["I"]) == (
        Decimal(92),
        Decimal(2),
        Decimal(60),
    )
    assert found["B"]["sections"] == found["D"]["sections"] | {"V": Decimal(0)}


def test_a_reviewed_score_counts_instead_of_the_units_own(
    world: World, table: CriteriaTable
) -> None:
    Score.objects.filter(sheet__unit=world.units[3], criterion__code="I.1").update(
        reviewed_points=38, review_reason="Đủ chỉ tiêu"
    )
    found = by_unit(world, computed_rows(table)[1])
    assert (found["D"]["rank"], found["D"]["total"], found["B"]["rank"], found["B"]["tie"]) == (
        2,
        Decimal(92),
        4,
        "broken",
    )


def test_each_sheet_shows_the_totals_the_ranking_counts(world: World, table: CriteriaTable) -> None:
    """The sheet's totals (the ORM's `with_totals`) and the ranking's (its own SQL) are two
    writings of one arithmetic: they agree, reviewed points and caps included."""
    Score.objects.filter(sheet__unit=world.units[3], criterion__code="I.1").update(
        reviewed_points=Decimal("37.5"), review_reason="Đủ chỉ tiêu"
    )
    sections, rows = computed_rows(table)
    for row in rows:
        sheet = ScoreSheet.objects.get(pk=row["sheet_id"])
        _own, final = sheet_totals(sheet, sections, final=True)
        assert final is not None
        assert [value for _section, value in final["sections"]] == [
            row["sections"][s.code] for s in sections
        ]
        assert [final[key] for key in ("standard", "bonus", "deduction", "total")] == [
            row[key] for key in ("standard", "bonus", "deduction", "total")
        ]


def test_the_floor_keeps_a_high_total_out_of_a_band(world: World, table: CriteriaTable) -> None:
    # A at 96 with one criterion at 80% of its maximum: "good", not "excellent".
    Score.objects.filter(sheet__unit=world.units[0], criterion__code="II.2").update(self_points=16)
    Score.objects.filter(sheet__unit=world.units[0], criterion__code__startswith="IV").update(
        self_points=0
    )
    found = by_unit(world, computed_rows(table)[1])
    assert (found["A"]["total"], found["A"]["band"]) == (Decimal(96), GOOD)


def test_the_tie_break_order_is_data_of_the_table(world: World, table: CriteriaTable) -> None:
    CriteriaTable.objects.filter(pk=table.pk).update(tie_break=["II"])
    table.refresh_from_db()
    found = by_unit(world, computed_rows(table)[1])
    # On section II, B and D (36) beat C (32); B and D still tie.
    assert [(k, found[k]["rank"], found[k]["tie"]) for k in "BCD"] == [
        ("B", 2, "vote"),
        ("C", 4, "broken"),
        ("D", 2, "vote"),
    ]
    CriteriaTable.objects.filter(pk=table.pk).update(tie_break=[])
    table.refresh_from_db()
    found = by_unit(world, computed_rows(table)[1])
    assert {found[k]["rank"] for k in "BCD"} == {2} and {found[k]["tie"] for k in "BCD"} == {"vote"}


def test_publishing_needs_every_sheet_final(world: World, table: CriteriaTable) -> None:
    ScoreSheet.objects.filter(unit=world.units[1]).update(status=ScoreSheet.Status.ACCEPTED)
    with pytest.raises(DomainError, match=r"\(1 not yet\)"):
        services.publish_ranking(table, by=world.secretariat)
    assert not Ranking.objects.exists()


def test_publishing_freezes_the_ranking_with_its_hash(
    world: World, table: CriteriaTable, client: Any
) -> None:
    ranking = services.publish_ranking(table, by=world.secretariat)
    assert len(ranking.sha256) == 64 and services.ranking_matches(ranking)
    assert list(ranking.rows.order_by("rank", "unit__pk").values_list("rank", "total", "tie")) == [
        (1, Decimal(110), ""),
        (2, Decimal(90), "broken"),
        (3, Decimal(90), "vote"),
        (3, Decimal(90), "vote"),
    ]
    # Scores changed behind the application's back do not move the published ranking...
    Score.objects.filter(sheet__unit=world.units[3]).update(reviewed_points=0, review_reason="x")
    client.force_login(world.leader)
    page = client.get(
        reverse("scoring:ranking_detail", args=[world.block_year.pk])
    ).content.decode()
    assert "rows match their hash" in page
    # ...and a published row changed behind its back no longer matches the hash.
    RankingRow.objects.filter(ranking=ranking, rank=1).update(total=Decimal(111))
    assert not services.ranking_matches(ranking)
    with pytest.raises(DomainError, match="already published"):
        services.publish_ranking(table, by=world.secretariat)


def test_units_tied_for_a_vote_match_the_hash_whatever_order_they_were_listed_in(
    world: World, table: CriteriaTable
) -> None:
    # B and D tie for a vote; D's sheet is listed first, though B's name sorts first.
    ScoreSheet.objects.filter(unit=world.units[3]).update(position=0)
    ranking = services.publish_ranking(table, by=world.secretariat)
    assert services.ranking_matches(ranking)


def test_a_ranking_hashed_in_the_order_its_rows_were_listed_still_matches(
    world: World, table: CriteriaTable
) -> None:
    ranking = services.publish_ranking(table, by=world.secretariat)
    rows = frozen_rows(ranking.rows.all())
    listed = services.canonical_ranking(ranking.sections, rows[::-1], as_listed=True)
    Ranking.objects.filter(pk=ranking.pk).update(sha256=sha256(listed.encode()).hexdigest())
    ranking.refresh_from_db()
    assert not services.ranking_matches(ranking)  # not the order the rows are read back in
    as_read = services.canonical_ranking(ranking.sections, rows, as_listed=True)
    Ranking.objects.filter(pk=ranking.pk).update(sha256=sha256(as_read.encode()).hexdigest())
    ranking.refresh_from_db()
    assert services.ranking_matches(ranking)


def test_before_publishing_the_ranking_is_for_the_secretariat_and_council(
    world: World, table: CriteriaTable, client: Any
) -> None:
    url = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    for person, status in [(world.secretariat, 200), (world.member, 200), (world.leader, 403)]:
        client.force_login(person)
        assert client.get(url).status_code == status
    client.force_login(world.secretariat)
    page = client.get(url).content.decode()
    assert "Provisional" in page or "Tạm tính" in page
    assert reverse("scoring:ranking_publish", args=[world.block_year.pk]) in page


def test_the_ranking_table_sorts_filters_and_exports(
    world: World, table: CriteriaTable, client: Any
) -> None:
    services.publish_ranking(table, by=world.secretariat)
    client.force_login(world.leader)
    url = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    page = client.get(url, {"tie": "vote"}).content.decode()
    assert world.units[1].name in page and world.units[3].name in page
    assert f">{world.units[0].name}<" not in page
    page = client.get(url, {"sort": "-unit_name"}, HTTP_HX_REQUEST="true").content.decode()
    assert page.startswith('\n<div id="results">') or '<div id="results">' in page[:200]
    names = [u.name for u in world.units]
    positions = sorted(names, key=lambda n: page.index(f">{n}<"))
    assert positions == sorted(names, reverse=True)
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("scoring:ranking_export", args=[world.block_year.pk])).content
        )
    ).active
    assert sheet is not None
    first = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert (first[0], first[1], first[-3]) == (1, world.units[0].name, 110)


def test_each_row_links_to_its_unit_and_marks_its_tie(
    world: World, table: CriteriaTable, client: Any
) -> None:
    services.publish_ranking(table, by=world.secretariat)
    client.force_login(world.leader)
    page = client.get(
        reverse("scoring:ranking_detail", args=[world.block_year.pk])
    ).content.decode()
    for unit in world.units:
        address = reverse("scoring:ranking_unit", args=[world.block_year.pk, unit.pk])
        assert (
            f'<td class="cell-unit" data-label="Unit"><a href="{address}">{unit.name}</a></td>'
            in page
        )
    broken, broken_title = "tie broken", "Tie broken by the tie-break order"
    vote, vote_title = "vote", "Tie: to be settled by a vote"
    assert (
        page.count(
            f'<span class="badge text-bg-light border" title="{broken_title}">{broken}</span>'
        )
        == 1
    )
    assert (
        page.count(f'<span class="badge text-bg-warning" title="{vote_title}">{vote}</span>') == 2
    )


def test_hostile_filters_show_the_ranking_and_never_fail(
    world: World, table: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    for query in [
        {"band": "<script>"},
        {"tie": "\x00"},
        {"q": "x" * 500},
        {"sort": "nonsense"},
        {"sort": "sections__I"},
    ]:
        assert client.get(url, query).status_code == 200


def test_the_explain_view_shows_what_made_the_difference(
    world: World, table: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:ranking_explain", args=[world.block_year.pk])
    response = client.get(url, {"a": world.units[0].pk, "b": world.units[2].pk})
    comparison = response.context["comparison"]
    assert comparison["difference"] == Decimal(20)
    assert [(line["criterion"].code, line["effect"]) for line in comparison["lines"]] == [
        ("IV.1", Decimal(8)),
        ("IV.2", Decimal(8)),
        ("II.2", Decimal(6)),
        ("II.1", Decimal(2)),
        ("V.1", Decimal(2)),
    ]
    effects = {line["section"].code: line["effect"] for line in comparison["sections"]}
    assert effects == {"I": 0, "II": 8, "IV": 16, "V": 2}
    assert comparison["same"] == 2
    page = response.content.decode()
    assert "Cờ thi đua" in page


def compared(response: Any) -> tuple[str, str]:
    """The two units the explain page compares."""
    comparison = response.context["comparison"]
    return comparison["a"]["unit_name"], comparison["b"]["unit_name"]


def test_the_explain_view_refuses_one_unit_compared_with_itself(
    world: World, table: CriteriaTable, client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:ranking_explain", args=[world.block_year.pk])
    response = client.get(url, {"a": world.units[0].pk, "b": world.units[0].pk})
    assert "Choose two different units." in response.content.decode()
    # The page compares the first two of the ranking instead, never a unit with itself.
    first_two = compared(client.get(url))
    assert first_two[0] != first_two[1] and compared(response) == first_two
    for query, refused in [
        ({"a": "x", "b": "<b>"}, {"a", "b"}),
        ({"a": world.other_unit.pk}, {"a", "b"}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200
        assert set(response.context["form"].errors) == refused, query
        assert compared(response) == first_two, query
        assert world.other_unit.name not in response.content.decode()


def test_a_units_page_draws_its_section_profile(
    world: World, table: CriteriaTable, client: Any
) -> None:
    services.publish_ranking(table, by=world.secretariat)
    client.force_login(world.officer)
    page = client.get(
        reverse("scoring:ranking_unit", args=[world.block_year.pk, world.units[2].pk])
    ).content.decode()
    assert "<svg" in page and 'style="' not in page
    assert "Published totals across years" in page or "<rect" in page
    assert (
        client.get(
            reverse("scoring:ranking_unit", args=[world.block_year.pk, world.other_unit.pk])
        ).status_code
        == 404
    )


def test_a_units_page_draws_its_published_totals_across_years(
    world: World, table: CriteriaTable, client: Any
) -> None:
    from django.utils import timezone

    from scoring.models import Ranking as Published
    from tests.factories import make_block_year

    services.publish_ranking(table, by=world.secretariat)
    earlier = make_block_year(world.block, world.units, year=2025, head=world.units[1])
    old = Published.objects.create(
        table=CriteriaTable.objects.create(block_year=earlier),
        published_at=timezone.now(),
        published_by=world.secretariat,
        sha256="0" * 64,
    )
    RankingRow.objects.create(
        ranking=old,
        unit=world.units[2],
        unit_name="Ban Tuyên giáo",
        rank=3,
        standard=88,
        bonus=0,
        deduction=0,
        total=Decimal("87.5"),
    )
    client.force_login(world.leader)
    response = client.get(
        reverse("scoring:ranking_unit", args=[world.block_year.pk, world.units[2].pk])
    )
    bars = response.context["years"]["bars"]
    assert [(bar["year"], bar["value"], bar["rank"]) for bar in bars] == [
        (2025, "87.5", 3),
        (2026, "90", 2),
    ]
