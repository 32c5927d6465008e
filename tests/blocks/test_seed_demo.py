from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from blocks.models import (
    AuthoritySuccession,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Succession,
    Unit,
    UnitRole,
)
from covenants.models import Signature
from emulation.models import AuditEvent, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

QT_PARTY = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"
NINH_THUAN = "Khối thi đua các cơ quan Đảng tỉnh Ninh Thuận"


def test_seeding_twice_changes_nothing() -> None:
    counts = [
        m.objects.count()
        for m in (User, Unit, Block, BlockYear, Membership, UnitRole, CouncilRole, Contribution)
    ]
    events = AuditEvent.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [
        m.objects.count()
        for m in (User, Unit, Block, BlockYear, Membership, UnitRole, CouncilRole, Contribution)
    ] == counts
    assert AuditEvent.objects.count() == events
    call_command("verify_audit", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_quang_tri_party_block_has_its_eight_units_in_order_with_this_years_head() -> None:
    year = BlockYear.objects.get(block__name=QT_PARTY, year=timezone.localdate().year)
    names = list(year.memberships.order_by("position").values_list("unit__name", flat=True))
    assert names == [
        "Văn phòng Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Ban Nội chính Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Đảng ủy các cơ quan Đảng tỉnh",
        "Báo Quảng Trị",
        "Trường Chính trị Lê Duẩn",
    ]
    assert not year.memberships.exclude(joined_on=year.first_day).exists()
    assert year.memberships.get(role="head").unit.name == "Văn phòng Tỉnh ủy"
    assert list(year.memberships.filter(role="deputy").values_list("unit__name", flat=True)) == [
        "Ban Tổ chức Tỉnh ủy"
    ]
    assert BlockYear.objects.filter(block__name=QT_PARTY).count() == 2


def test_every_block_has_last_year_and_this_year_with_a_head() -> None:
    this_year = timezone.localdate().year
    for block in Block.objects.exclude(name=NINH_THUAN):
        years = sorted(block.years.values_list("year", flat=True))
        assert years == [this_year - 1, this_year], block
        for block_year in block.years.all():
            assert block_year.memberships.filter(role="head").count() == 1
    # Ninh Thuận's block ended with the province (merged into Khánh Hòa on 1 July 2025).
    ninh_thuan = Block.objects.get(name=NINH_THUAN)
    assert ninh_thuan.authority.name.endswith("Khánh Hòa")
    assert all(year <= 2025 for year in ninh_thuan.years.values_list("year", flat=True))


def test_the_demo_lives_in_the_provinces_as_they_are_since_1_july_2025() -> None:
    merged = {
        a.predecessor.place: (a.successor.place, a.effective_date, a.predecessor.active_to)
        for a in AuthoritySuccession.objects.select_related("predecessor", "successor")
    }
    assert merged == {
        "Quảng Bình": ("Quảng Trị", datetime.date(2025, 7, 1), datetime.date(2025, 6, 30)),
        "Ninh Thuận": ("Khánh Hòa", datetime.date(2025, 7, 1), datetime.date(2025, 6, 30)),
    }
    cluster = Block.objects.get(kind=Block.Kind.CLUSTER)
    this_year = cluster.years.get(year=timezone.localdate().year)
    assert sorted(this_year.memberships.values_list("unit__short_name", flat=True)) == [
        "Huế",
        "Hà Tĩnh",
        "Nghệ An",
        "Quảng Trị",
        "Thanh Hóa",
    ]
    hue = Unit.objects.get(name="Thành phố Huế")
    assert hue.name_on(datetime.date(2024, 12, 31)) == "Tỉnh Thừa Thiên Huế"
    quang_binh = Unit.objects.get(name="Tỉnh Quảng Bình")
    assert quang_binh.active_to == datetime.date(2025, 6, 30)
    assert quang_binh.successions.get().successor.name == "Tỉnh Quảng Trị"


def test_the_party_agencies_are_reorganised_from_1_july_2025(client: Any) -> None:
    """The Mass Mobilisation Board merged into the Propaganda Board, renamed, and the Party
    Committee of the provincial agencies and enterprises renamed, both from 1 July 2025: after
    2025's covenant was signed by the nine, before its year-end by the eight."""
    before, on = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    board = Unit.objects.get(name="Ban Tuyên giáo và Dân vận Tỉnh ủy", short_name="BTGDVTU")
    committee = Unit.objects.get(name="Đảng ủy các cơ quan Đảng tỉnh")
    merged = Unit.objects.get(name="Ban Dân vận Tỉnh ủy")
    assert (board.name_on(before), board.name_on(on)) == ("Ban Tuyên giáo Tỉnh ủy", board.name)
    assert committee.name_on(before) == "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
    assert committee.name_on(on) == committee.name
    assert merged.active_to == before
    succession = Succession.objects.get(predecessor=merged)
    assert (succession.successor, succession.kind, succession.effective_date) == (
        board,
        Succession.Kind.MERGE,
        on,
    )
    assert succession.note
    # The people: the leaders under their new titles; the merged board's roles ended with it.
    assert UnitRole.objects.get(unit=board, role="leader").title == (
        "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy"
    )
    assert UnitRole.objects.get(unit=committee, role="leader").title == (
        "Bí thư Đảng ủy các cơ quan Đảng tỉnh"
    )
    assert not UnitRole.objects.filter(unit=merged).exists()
    assert AuditEvent.objects.filter(action="blocks.unit.merged", reason=succession.note).exists()
    for year in BlockYear.objects.filter(block__name=QT_PARTY):
        current = year.memberships.filter(left_on__isnull=True)
        assert current.count() == (8 if year.year >= on.year else 9)
        assert not current.filter(unit=merged).exists() or year.year < on.year
        if year.year == on.year:
            # Its membership ended the day before, marked by the merger; its signature stays.
            left = year.memberships.get(unit=merged)
            assert left.left_on == before and "BTGDVTU" in left.note
            signatures = {
                s.unit_id: s
                for s in Signature.objects.filter(
                    version__document__block_year=year, version__document__kind="covenant"
                )
            }
            assert len(signatures) == 9
            assert signatures[merged.pk].signed_at.date() == datetime.date(2025, 3, 20)
            assert signatures[merged.pk].unit_name == "Ban Dân vận Tỉnh ủy"
            assert signatures[board.pk].unit_name == "Ban Tuyên giáo Tỉnh ủy"
            assert signatures[board.pk].signer_title == "Trưởng Ban Tuyên giáo Tỉnh ủy"
            # The covenant's signatures show it apart, as a unit that has left the year.
            client.force_login(User.objects.get(username="bantdkt"))
            covenant = signatures[merged.pk].version.document
            page = client.get(reverse("covenants:signing_progress", args=[covenant.pk]))
            assert 'data-signed="8"' in page.content.decode()
            assert "Ban Dân vận Tỉnh ủy" in page.content.decode()
        elif year.year > on.year:
            assert not year.memberships.filter(unit=merged).exists()
    # The board's page shows its lineage: its former name and the board merged into it.
    client.force_login(User.objects.get(username="bantdkt"))
    page = client.get(reverse("blocks:unit_detail", args=[board.pk]))
    assert page.status_code == 200
    lineage = page.content.decode()
    assert merged.get_absolute_url() in lineage and "Ban Tuyên giáo Tỉnh ủy" in lineage
    page = client.get(reverse("blocks:unit_detail", args=[merged.pk]))
    assert board.get_absolute_url() in page.content.decode()


def test_the_book_drive_adds_up_to_641_books_and_33_8_million() -> None:
    drive = JointActivity.objects.get(title__startswith="Tặng tủ sách")
    totals = drive.contributions.aggregate(books=Sum("books"), money=Sum("money_vnd"))
    assert totals == {"books": 641, "money": 33_800_000}


def test_the_north_central_cluster_is_under_the_central_council() -> None:
    cluster = Block.objects.get(kind=Block.Kind.CLUSTER)
    assert cluster.authority.parent is None and cluster.authority.level == "central"
    assert (
        cluster.years.get(year=timezone.localdate().year)
        .memberships.get(role="head")
        .unit.short_name
        == "Huế"
    )


@pytest.mark.parametrize(
    "username",
    [
        "admin",
        "bantdkt",
        *(f"hoidong{i}" for i in range(1, 6)),
        *(f"lanhdao{i}" for i in range(1, 10)),
        *(f"canbo{i}" for i in range(1, 10)),
    ],
)
def test_every_demo_account_signs_in_with_the_demo_password(client: Any, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": "demo12345"})
    assert response.status_code == 302, username
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)


def test_each_demo_role_sees_what_it_may(client: Any) -> None:
    def visible_blocks(username: str) -> set[str]:
        client.force_login(User.objects.get(username=username))
        return set(
            Block.objects.for_user(User.objects.get(username=username)).values_list(
                "name", flat=True
            )
        )

    quang_tri = {QT_PARTY, "Khối thi đua các Trung tâm, Ban thuộc Sở Nông nghiệp và Môi trường"}
    assert visible_blocks("bantdkt") == quang_tri
    assert visible_blocks("hoidong1") == quang_tri
    assert visible_blocks("lanhdao5") == {QT_PARTY}
    assert visible_blocks("canbo9") == {QT_PARTY}
    assert len(visible_blocks("admin")) == 4  # Ninh Thuận's block included, under Khánh Hòa
    office = User.objects.get(username="canbo1")
    year = BlockYear.objects.get(block__name=QT_PARTY, year=timezone.localdate().year)
    assert office.has_perm("blocks.run_activities", year)
    assert not User.objects.get(username="canbo3").has_perm("blocks.run_activities", year)
    assert User.objects.get(username="bantdkt").has_perm("blocks.manage_blockyear", year)
    assert not User.objects.get(username="hoidong1").has_perm("blocks.manage_blockyear", year)
