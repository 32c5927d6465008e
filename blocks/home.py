"""What the home page shows about the registry: a person's units and blocks, and what to do."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from blocks.models import Block, BlockYear, CouncilRole, Membership, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest


def my_blocks(request: AuthedRequest) -> Section | None:
    user = request.user
    year = timezone.localdate().year
    unit_roles = list(
        UnitRole.objects.filter(user=user)
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
    council_roles = list(CouncilRole.objects.filter(user=user).select_related("authority"))
    staff_of = [r.authority_id for r in council_roles if r.role == CouncilRole.Role.STAFF]
    headless = list(
        BlockYear.objects.filter(block__authority__in=staff_of, year=year)
        .exclude(memberships__role=Membership.Role.HEAD)
        .select_related("block")
    )
    missing_year = list(
        Block.objects.filter(authority__in=staff_of).exclude(years__year=year).order_by("name")
    )
    council_years = list(
        BlockYear.objects.filter(
            block__authority__in=[r.authority_id for r in council_roles], year=year
        )
        .select_related("block__authority")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
            head_name=Subquery(
                Membership.objects.filter(
                    block_year=OuterRef("pk"), role=Membership.Role.HEAD
                ).values("unit__name")[:1]
            ),
        )
        .order_by("block__authority__name", "block__name")
    )
    if not (unit_roles or council_roles or user.is_superuser):
        return None
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
