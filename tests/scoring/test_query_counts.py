"""The scoring pages run a fixed number of queries whatever the number of units and criteria."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from blocks.models import Membership
from scoring import services
from scoring.models import CriteriaTable, Criterion, Evidence, Score, ScoreSheet
from tests.factories import World, make_unit, make_user, open_assessment


def grow(world: World, table: CriteriaTable, units: int = 8, criteria: int = 12) -> None:
    """More member units with their sheets, more scored rows on every sheet, more evidence."""
    for _ in range(units):
        unit = make_unit(world.authority)
        Membership.objects.create(
            block_year=world.block_year,
            unit=unit,
            position=20,
            joined_on=world.block_year.first_day,
        )
        make_user().unit_roles.create(unit=unit, role="leader")
        sheet = ScoreSheet.objects.create(table=table, unit=unit, unit_name=unit.name, position=20)
        Score.objects.bulk_create(
            Score(sheet=sheet, criterion=c) for c in table.criteria.filter(is_leaf=True)
        )
    parent = table.criteria.get(code="III.4")
    # Sub-rows whose maxima stay within III.4 are not needed for counting; only their number.
    last = table.criteria.order_by("-position").first()
    assert last is not None
    added = Criterion.objects.bulk_create(
        Criterion(
            table=table,
            parent=parent,
            position=last.position + i,
            code=f"III.4.{i}",
            title_vi=f"Tiêu chí thêm {i}",
            max_points=Decimal("0.25"),
            kind="standard",
            depth=2,
            section_code="III",
            group_code="III.4",
            group_max=parent.max_points,
        )
        for i in range(1, criteria + 1)
    )
    sheets = list(table.sheets.all())
    Score.objects.bulk_create(
        Score(sheet=s, criterion=c, self_points=Decimal("0.25")) for s in sheets for c in added
    )
    for score in Score.objects.filter(sheet__unit=world.units[2], criterion__in=added[:5]):
        evidence = Evidence(
            score=score,
            name="a.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=world.officer,
        )
        evidence.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        evidence.save()


def submitted_sheet(world: World, table: CriteriaTable) -> ScoreSheet:
    sheet = table.sheets.get(unit=world.units[2])
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=ScoreSheet.Status.SUBMITTED)
    return sheet


Args = Callable[[World, CriteriaTable], list[Any]]
PAGES: dict[str, tuple[str, Args, int]] = {
    "scoring:criteria_detail": ("secretariat", lambda w, t: [w.block_year.pk], 9),
    "scoring:assessment_overview": ("secretariat", lambda w, t: [w.block_year.pk], 9),
    "scoring:sheet_detail": ("officer", lambda w, t: [t.sheets.get(unit=w.units[2]).pk], 8),
    "scoring:sheet_review": ("secretariat", lambda w, t: [submitted_sheet(w, t).pk], 8),
    "scoring:ranking_detail": ("secretariat", lambda w, t: [w.block_year.pk], 8),
    "scoring:ranking_explain": ("secretariat", lambda w, t: [w.block_year.pk], 8),
    "blocks:blockyear_detail": ("leader", lambda w, t: [w.block_year.pk], 11),
    "home": (
        "leader",
        lambda w, t: [],
        12,
    ),  # with the seats on counting boards and the years to propose people in
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_scoring_pages_do_not_grow_with_units_and_criteria(
    name: str, world: World, client: Any, count_queries: Any
) -> None:
    table = open_assessment(world)
    role, args, pinned = PAGES[name]
    client.force_login(world.user(role))
    url = reverse(name, args=args(world, table))

    def load() -> None:
        assert client.get(url).status_code == 200

    load()
    small = count_queries(load)
    grow(world, table)
    large = count_queries(load)
    assert (small, large) == (pinned, pinned), f"{name}: {small} queries small, {large} large"


def test_the_published_ranking_page_reads_the_frozen_rows_once_then_from_the_cache(
    world: World, client: Any, count_queries: Any
) -> None:
    table = open_assessment(world)
    ScoreSheet.objects.update(status=ScoreSheet.Status.FINAL)
    grow(world, table, criteria=0)
    ScoreSheet.objects.update(status=ScoreSheet.Status.FINAL)
    services.publish_ranking(table, by=world.secretariat)
    client.force_login(world.leader)
    url = reverse("scoring:ranking_detail", args=[world.block_year.pk])
    client.get(url)
    assert count_queries(lambda: client.get(url)) == 4


@pytest.mark.parametrize(
    ("name", "status", "pinned"),
    [
        ("scoring:assessment_send_unchanged", ScoreSheet.Status.SUBMITTED, 5),
        ("scoring:assessment_finalise_settled", ScoreSheet.Status.ACCEPTED, 5),
    ],
)
def test_the_confirmations_for_many_sheets_do_not_grow_with_the_sheets_listed(
    name: str, status: str, pinned: int, world: World, client: Any, count_queries: Any
) -> None:
    table = open_assessment(world)
    client.force_login(world.secretariat)
    url = reverse(name, args=[world.block_year.pk])

    def load() -> int:
        response = client.get(url)
        assert response.status_code == 200
        return len(response.context["items"])

    ScoreSheet.objects.update(status=status)
    load()
    small = count_queries(load)
    grow(world, table)
    ScoreSheet.objects.update(status=status)
    large = count_queries(load)
    assert load() == 11  # every unit's sheet but the secretariat's own
    assert (small, large) == (pinned, pinned)


ROW_ANSWERS = {"score_save": 15, "evidence_upload": 19}


@pytest.mark.parametrize("name", sorted(ROW_ANSWERS))
def test_a_rows_htmx_answer_does_not_grow_with_units_and_criteria(
    name: str, world: World, client: Any, count_queries: Any
) -> None:
    """Saving a row (or adding a file to it) answers with the row, the totals and the sheet's
    missing line, in a fixed number of queries."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = open_assessment(world)
    score = table.sheets.get(unit=world.units[2]).scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    url = reverse(f"scoring:{name}", args=[score.pk])

    def post() -> None:
        data: dict[str, Any] = {"self_points": "18", "explanation": ""}
        if name == "evidence_upload":
            data = {"file": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")]}
        assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200

    post()
    small = count_queries(post)
    grow(world, table)
    large = count_queries(post)
    assert (small, large) == (ROW_ANSWERS[name], ROW_ANSWERS[name])
