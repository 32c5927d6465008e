"""A criteria table is checked as a whole, and every problem is told with where it is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.criteria import BandRow, Row, TableData, check_table, parse_points


def row(code: str, points: str, kind: str = "standard", line: int | None = None) -> Row:
    return Row(
        code=code, title_vi=f"Tiêu chí {code}", max_points=Decimal(points), kind=kind, line=line
    )


GOOD = [
    row("I", "60"),
    row("I.1", "40"),
    row("I.1.a", "20"),
    row("I.1.b", "20"),
    row("I.2", "20"),
    row("II", "40"),
    row("III", "10", "bonus"),
    row("III.1", "10", "bonus"),
    row("III.2", "5", "bonus"),
    row("IV", "10", "deduction"),
    row("IV.1", "5", "deduction"),
]


def problems(rows: list[Row], **extra: object) -> list[str]:
    return [str(p) for p in check_table(TableData(rows=rows, **extra))]  # type: ignore[arg-type]


def test_a_well_formed_table_has_no_problem() -> None:
    assert problems(GOOD) == []


def test_bonus_rows_may_add_up_beyond_their_cap_which_then_applies_to_their_sum() -> None:
    assert problems([*GOOD, row("III.3", "10", "bonus")]) == []


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [row("I", "100"), row("I.1", "60"), row("I.2", "50", line=3)],
            "The rows under I add up to 110 points, more than its 100.",
        ),
        (
            [row("I", "90")],
            "The standard sections (I) add up to 90 points; they must add up to the scale of 100.",
        ),
        (
            [row("I", "100"), row("I.3.a", "5", line=4)],
            "Row 4: I.3.a has no parent row I.3 above it.",
        ),
        ([row("I", "100"), row("I", "5", line=3)], "Row 3: The code I appears twice."),
        (
            [row("I", "100"), row("I.1", "5", "bonus", line=3)],
            "Row 3: I.1 is a bonus row under I, which is standard.",
        ),
        (
            [row("I", "100"), row("V", "10", "bonus"), row("V.1", "12", "bonus", line=4)],
            "Row 4: V.1 is worth 12, more than the cap of V (10).",
        ),
        ([row("I", "100"), row("I 1", "5", line=3)], "Row 3: The code “I 1” is not valid"),
        (
            [row("I", "100"), row("I.1", "0", line=3)],
            "Row 3: I.1 must be worth more than 0 points.",
        ),
        ([row("V", "10", "bonus")], "The table needs at least one standard section."),
        ([], "The table has no criteria."),
    ],
)
def test_a_bad_table_is_refused_with_a_clear_message(rows: list[Row], expected: str) -> None:
    found = problems(rows)
    assert any(p.startswith(expected) for p in found), found


def test_any_scale_is_allowed_when_the_sections_add_up_to_it() -> None:
    rows = [row("I", "600"), row("I.1", "600"), row("II", "400")]
    assert problems(rows, scale=Decimal(1000)) == []
    assert problems(rows) != []


def test_a_title_is_required() -> None:
    rows = [Row(code="I", title_vi=" ", max_points=Decimal(100), kind="standard", line=2)]
    assert problems(rows) == ["Row 2: I has no Vietnamese title."]


def test_the_tie_break_order_names_only_sections() -> None:
    assert problems(GOOD, tie_break=["I", "II"]) == []
    assert problems(GOOD, tie_break=["I.1"]) == [
        "The tie-break order names I.1, which is not a section."
    ]
    assert problems(GOOD, tie_break=["I", "I"]) == ["The tie-break order names a section twice."]


def test_bands_are_named_and_their_floors_are_percentages() -> None:
    bands = [BandRow("Xuất sắc", Decimal(90), Decimal(120)), BandRow("", Decimal(80), Decimal(80))]
    assert problems(GOOD, bands=bands) == [
        "A floor is a percentage of the maximum: at most 100.",
        "A band has no name.",
    ]


@pytest.mark.parametrize(
    ("typed", "points"),
    [
        ("8,5", "8.5"),
        ("8.5", "8.5"),
        ("8", "8"),
        (" 10 ", "10"),
        ("0,25", "0.25"),
        (7, "7"),
        (2.5, "2.5"),
    ],
)
def test_points_are_typed_with_a_comma_or_a_dot(typed: object, points: str) -> None:
    assert parse_points(typed) == Decimal(points)


@pytest.mark.parametrize(
    "typed", ["-1", "8,555", "abc", "", "1e3", "NaN", "1.234,5", "9" * 40, True]
)
def test_anything_else_is_not_a_number_of_points(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_points(typed)
