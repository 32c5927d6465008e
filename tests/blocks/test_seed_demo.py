from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from blocks.models import (
    AuthoritySuccession,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Unit,
    UnitRole,
)
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


def test_the_quang_tri_party_block_has_its_nine_units_in_order_with_this_years_head() -> None:
    year = BlockYear.objects.get(block__name=QT_PARTY, year=timezone.localdate().year)
    names = list(year.memberships.order_by("position").values_list("unit__name", flat=True))
    assert names == [
        "Văn phòng Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy",
        "Ban Dân vận Tỉnh ủy",
        "Ban Nội chính Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
        "Báo Quảng Trị",
        "Trường Chính trị Lê Duẩn",
    ]
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
