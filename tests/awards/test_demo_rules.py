"""The demo's years judged by the decree of their dates: last year's covenant, adopted in March,
cites the decree then in force; its nominations, proposed at the year's end, name the version in
force on 31 December; the council's base of the 20 per cent and the units' earlier awards are in
place."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards import catalogue
from awards.caps import cap_base
from awards.models import Nomination
from blocks.models import BlockYear, Unit
from covenants.models import Document
from emulation.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
QT_PARTY = "Khối thi đua các cơ quan Đảng tỉnh Quảng Trị"
DECREES = {"98/2023": "Nghị định số 98/2023/NĐ-CP", "152/2025": "Nghị định số 152/2025/NĐ-CP"}


def test_each_covenant_cites_the_decree_in_force_when_it_was_adopted() -> None:
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        covenant = Document.objects.get(
            block_year__block__name=QT_PARTY, block_year__year=year, kind=Document.Kind.COVENANT
        )
        bases = "\n".join(covenant.versions.values_list("legal_bases", flat=True))
        decree = catalogue.decree_on(datetime.date(year, 3, 5))
        assert DECREES[decree] in bases
        other = "152/2025" if decree == "98/2023" else "98/2023"
        assert DECREES[other] not in bases
    # The 2025 covenant, adopted in March 2025, cites Decree 98/2023 (152 came into force on 1 July).
    assert catalogue.decree_title_on(datetime.date(2025, 3, 5)).startswith(DECREES["98/2023"])


def test_last_years_nominations_name_the_version_in_force_on_31_december() -> None:
    year = timezone.localdate().year - 1
    expected = catalogue.decree_on(datetime.date(year, 12, 31))
    nominations = Nomination.objects.filter(block_year__block__name=QT_PARTY, block_year__year=year)
    assert nominations.exists()
    for nomination in nominations:
        versions = {rule.get("version", "").split(" (")[0] for rule in nomination.eligibility}
        # Named in the language of whoever proposed it (the demo's people read Vietnamese).
        assert versions in ({f"Decree {expected}/NĐ-CP"}, {f"Nghị định số {expected}/NĐ-CP"})
    flag = nominations.get(award_type__code="provincial-flag")
    acclaim = next(r for r in flag.eligibility if r["code"] == "acclaim")
    assert acclaim["passed"] is True


def test_the_council_entered_its_base_and_the_units_earlier_awards(client: Client) -> None:
    year = timezone.localdate().year - 1
    block_year = BlockYear.objects.select_related("block__authority").get(
        block__name=QT_PARTY, year=year
    )
    base = cap_base(block_year.block.authority, year)
    assert (base.leading_units, base.entered is not None) == (14, True)
    office = Unit.objects.get(name="Văn phòng Tỉnh ủy")
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk")[0])
    page = client.get(reverse("awards:unit_history", args=[office.pk])).content.decode()
    assert "512/QĐ-UBND" in page  # entered for the years before the app
    assert "345/QĐ-UBND" in page  # last year's decision in the app
