"""An archived year is read-only for everyone: every service that writes to a year, or to
anything in it, refuses once the year is archived, even when the site administrator calls it from
a view, the admin, a command or the shell, and nothing changes in the database or the storage.

Each row prepares what its service needs while the year is still open (so that the service would
otherwise have something to do), and returns the call to make once the year is archived.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from emulation.errors import DomainError
from tests.factories import YEAR, World, archive, make_unit

pytestmark = pytest.mark.django_db

D = datetime.date
Call = Callable[[], Any]
Case = Callable[[World], Call]
REFUSED = "The year {year} of {block} is archived: it can no longer change."
APPS = {"emulation", "blocks", "covenants", "scoring", "awards"}


def database() -> dict[str, list[dict[str, Any]]]:
    """Every row of the project's tables (many-to-many tables included)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS
    }


def stored() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*")} if root.exists() else set()


# The registry ---------------------------------------------------------------------------------


def update_block_year(w: World) -> Call:
    from blocks import services

    return lambda: services.update_block_year(w.block_year, by=w.admin, theme="Đoàn kết")


def add_member(w: World) -> Call:
    from blocks import services

    newcomer = make_unit(w.authority)
    return lambda: services.add_member(w.block_year, newcomer, by=w.admin, joined_on=D(YEAR, 3, 1))


def end_membership(w: World) -> Call:
    from blocks import services

    membership = w.block_year.memberships.get(unit=w.units[3])
    return lambda: services.end_membership(
        membership, by=w.admin, left_on=D(YEAR, 6, 30), reason="Giải thể"
    )


def set_leadership(w: World) -> Call:
    from blocks import services

    return lambda: services.set_leadership(
        w.block_year, by=w.admin, head=w.units[2], deputies=[w.units[3]]
    )


def create_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.create_activity(
        w.block_year, by=w.admin, title="Hội thao", date=D(YEAR, 5, 1)
    )


def update_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.update_activity(w.activity, by=w.admin, title="Hội thao khối")


def record_contribution(w: World) -> Call:
    from blocks import services

    return lambda: services.record_contribution(
        w.activity, w.units[2], by=w.admin, books=10, money_vnd=1_000_000
    )


SERVICES: dict[str, Case] = {
    "blocks.services.update_block_year": update_block_year,
    "blocks.services.add_member": add_member,
    "blocks.services.end_membership": end_membership,
    "blocks.services.set_leadership": set_leadership,
    "blocks.services.create_activity": create_activity,
    "blocks.services.update_activity": update_activity,
    "blocks.services.record_contribution": record_contribution,
}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_not_even_the_site_administrator_changes_an_archived_year(name: str, world: World) -> None:
    call = SERVICES[name](world)
    archived = archive(world)
    before, files = database(), stored()
    with translation.override("en"), pytest.raises(DomainError) as refused:
        call()
    assert refused.value.message == REFUSED.format(year=YEAR, block=archived.block.name)
    assert database() == before
    assert stored() == files
