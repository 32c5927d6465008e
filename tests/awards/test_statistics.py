"""The council's statistics for an authority and a year: counts by award and by block, the
approval rate, the SVG charts, the year selector and the Excel workbook."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards import statistics
from awards.models import Awardee, AwardType, Decision, Nomination
from blocks.models import BlockYear
from tests.factories import (
    YEAR,
    World,
    at_council_status,
    make_block,
    make_block_year,
    make_sent_dossier,
    make_unit,
)

pytestmark = pytest.mark.django_db
N = Nomination.Status


def decide(world: World, nominations: list[Nomination], *, status: str = "published") -> Decision:
    """A decision awarding the nominations (written directly: the decision services are tested
    on their own)."""
    decision = Decision.objects.create(
        authority=world.authority,
        year=YEAR,
        award_type=nominations[0].award_type,
        kind=Decision.Kind.DECISION,
        status=status,
        number=f"{Decision.objects.count() + 125}/QĐ-UBND",
        signed_on=datetime.date(YEAR + 1, 4, 2),
        signer_name="Hà Sỹ Đồng",
        signer_title="Chủ tịch",
        legal_bases="Luật Thi đua, khen thưởng năm 2022",
        created_by=world.staff,
    )
    for position, nomination in enumerate(nominations):
        Awardee.objects.create(
            decision=decision,
            nomination=nomination,
            position=position,
            unit_name=nomination.unit_name,
            block_name=nomination.block_year.block.name,
        )
    return decision


def second_block(world: World, statuses: list[str], name: str = "Khối các Sở") -> BlockYear:
    """Another block of the province with nominations for the provincial flag at `statuses`."""
    units = [make_unit(world.authority) for _ in statuses]
    block_year = make_block_year(make_block(world.authority, name), units, head=units[0])
    award = AwardType.objects.get(code="provincial-flag")
    for unit, status in zip(units, statuses, strict=True):
        Nomination.objects.create(
            block_year=block_year,
            award_type=award,
            unit=unit,
            unit_name=unit.name,
            status=status,
            return_reason="Thiếu hồ sơ" if status == N.RETURNED else "",
            submitted_at=timezone.now(),
        )
    return block_year


def page(client: Any, world: World, user: Any) -> Any:
    client.force_login(user)
    return client.get(reverse("awards:statistics", args=[world.authority.pk, YEAR]))


def test_nominations_are_counted_by_status_group_per_award_and_per_block(world: World) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    at_council_status([second], N.REJECTED)
    second_block(world, [N.APPROVED, N.RETURNED, N.RECEIVED, N.DRAFT])
    stats = statistics.year_statistics(world.authority, YEAR)
    by_award = {c.label: c for c in stats.by_award}
    certificate = by_award["Chairman's Certificate of Merit"]
    assert (certificate.sent, certificate.in_review, certificate.awarded) == (3, 1, 1)
    assert (certificate.rejected, certificate.decided, certificate.approval_rate) == (1, 2, 0.5)
    flag = by_award["Provincial Emulation Flag"]
    assert (flag.sent, flag.approved, flag.returned, flag.in_review) == (3, 1, 1, 1)
    assert flag.approval_rate == 1.0
    by_block = {c.label: c for c in stats.by_block}
    assert by_block["Khối các Sở"].sent == 3  # the draft stays the block's own
    assert by_block[world.block.name].awarded == 1
    total = stats.total
    assert (total.sent, total.decided, total.approved + total.awarded) == (6, 3, 2)


def test_a_year_without_decisions_has_no_approval_rate(world: World) -> None:
    make_sent_dossier(world)
    stats = statistics.year_statistics(world.authority, YEAR)
    assert stats.total.approval_rate is None
    assert statistics.percent(stats.total.approval_rate) == "—"


def test_another_province_and_another_year_are_not_counted(world: World) -> None:
    make_sent_dossier(world)
    assert statistics.year_statistics(world.other_authority, YEAR).total.sent == 0
    assert statistics.year_statistics(world.authority, YEAR - 1).total.sent == 0
    assert statistics.years_of(world.authority) == [YEAR]


def test_council_staff_see_cards_tables_charts_and_the_year_selector(
    world: World, client: Any
) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    at_council_status([second], N.REJECTED)
    response = page(client, world, world.staff)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Awards statistics 2026" in html
    assert "50.0 %" in html  # one awarded, one not approved
    assert html.count('<svg class="chart') == 2
    assert "Chairman&#x27;s Certificate of Merit: 3 sent, 1 awarded" in html
    assert "style=" not in html.split("<main", 1)[-1]  # strict CSP: no inline style
    assert reverse("awards:statistics_xlsx", args=[world.authority.pk, YEAR]) in html
    assert (
        reverse("awards:statistics", args=[world.authority.pk, timezone.localdate().year]) in html
    )


def test_the_tables_sort_by_a_column(world: World, client: Any) -> None:
    make_sent_dossier(world)
    second_block(world, [N.APPROVED])
    client.force_login(world.staff)
    url = reverse("awards:statistics", args=[world.authority.pk, YEAR])
    html = client.get(url, {"block-sort": "-sent"}).content.decode()
    table = html.split('id="by-block"', 1)[1]
    assert table.index(world.block.name) < table.index("Khối các Sở")
    table = client.get(url, {"block-sort": "sent"}).content.decode().split('id="by-block"', 1)[1]
    assert table.index("Khối các Sở") < table.index(world.block.name)


def test_a_year_without_nominations_says_so(world: World, client: Any) -> None:
    html = page(client, world, world.member).content.decode()
    assert "No block sent nominations to the council for this year." in html
    assert '<svg class="chart' not in html


@pytest.mark.parametrize("role", ["secretariat", "leader", "officer", "outsider"])
def test_people_outside_the_council_get_404(role: str, world: World, client: Any) -> None:
    client.force_login(world.user(role))
    for name in ("awards:statistics", "awards:statistics_xlsx"):
        response = client.get(reverse(name, args=[world.authority.pk, YEAR]))
        assert response.status_code == 404


def test_council_staff_of_another_province_get_404(world: World, client: Any) -> None:
    client.force_login(world.staff)
    response = client.get(reverse("awards:statistics", args=[world.other_authority.pk, YEAR]))
    assert response.status_code == 404


def test_the_workbook_has_the_three_sheets_with_numbers_as_numbers(
    world: World, client: Any
) -> None:
    first, second, _third = make_sent_dossier(world)
    at_council_status([first], N.AWARDED)
    at_council_status([second], N.REJECTED)
    decide(world, [first])
    client.force_login(world.member)
    response = client.get(reverse("awards:statistics_xlsx", args=[world.authority.pk, YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["By award", "By block", "Nominations"]
    by_award = list(book["By award"].iter_rows(values_only=True))
    assert by_award[0][:3] == ("Award", "Sent", "Under review")
    assert by_award[1] == ("Chairman's Certificate of Merit", 3, 1, 0, 0, 1, 1, 2, 0.5)
    assert by_award[-1][0] == "Total" and by_award[-1][1] == 3
    assert book["By award"]["A1"].font.bold
    assert book["By block"]["B2"].value == 3
    rows = list(book["Nominations"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Block", "Unit", "Award", "Status")
    assert len(rows) == 4
    awarded = next(row for row in rows if row[1] == first.unit_name)
    assert awarded[3] == "Awarded" and awarded[8] == "125/QĐ-UBND"
    assert awarded[9] == datetime.datetime(YEAR + 1, 4, 2)
    assert isinstance(awarded[4], datetime.datetime)  # a date cell, not text
    assert book["Nominations"].column_dimensions["A"].width == 45


def test_the_page_runs_a_fixed_number_of_queries(
    world: World, client: Any, count_queries: Any
) -> None:
    make_sent_dossier(world)
    client.force_login(world.staff)
    url = reverse("awards:statistics", args=[world.authority.pk, YEAR])
    xlsx = reverse("awards:statistics_xlsx", args=[world.authority.pk, YEAR])
    client.get(url)
    small = (count_queries(lambda: client.get(url)), count_queries(lambda: client.get(xlsx)))
    for index in range(3):
        second_block(world, [N.APPROVED, N.REJECTED, N.AWARDED, N.RECEIVED], f"Khối {index}")
    large = (count_queries(lambda: client.get(url)), count_queries(lambda: client.get(xlsx)))
    assert small == large == (7, 7)
