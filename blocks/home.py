"""What the home page shows about the registry: a person's units and blocks, and what to do."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from blocks.models import Block, BlockYear, CouncilRole, Membership, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest


def my_blocks(request: AuthedRequest) -> Section | None:
    """The person's units with their blocks of this year and last; for council staff, the blocks
    missing this year or its head; for the council, this year's blocks and their councils."""
    roles = request.roles
    if not (roles.units or roles.councils or roles.superuser):
        return None
    year = timezone.localdate().year
    unit_roles: list[UnitRole] = []
    if roles.units:
        unit_roles = list(
            UnitRole.objects.filter(user=request.user)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "unit__memberships",
                    queryset=Membership.objects.filter(block_year__year__in=[year - 1, year])
                    .select_related("block_year__block")
                    .order_by("-block_year__year"),
                )
            )
        )
    council_roles: list[CouncilRole] = []
    council_years: list[BlockYear] = []
    missing_year: list[Block] = []
    if roles.councils:
        council_roles = list(
            CouncilRole.objects.filter(user=request.user).select_related("authority")
        )
        council_years = list(BlockYear.objects.of_councils(roles.councils, year))
    if roles.staff_of:
        missing_year = list(Block.objects.without_year(roles.staff_of, year))
    headless = [
        block_year
        for block_year in council_years
        if block_year.head_name is None  # type: ignore[attr-defined]
        and roles.staffs(block_year.block.authority_id)
    ]
    return Section(
        "blocks/_home.html",
        {
            "year": year,
            "unit_roles": unit_roles,
            "council_roles": council_roles,
            "headless": headless,
            "missing_year": missing_year,
            "council_years": council_years,
        },
        order=10,
    )
