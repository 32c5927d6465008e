"""The awards steps' state, read in one hand-written statement (`awards.dashboard.state_of`), is
what the queryset it replaced read: the same ballots in the same order with their votes, the same
counts of nominations by status, the same dossier, hand-over and archiver, and the same council
roles, over a year with ballots, voters, nominations, awards and decisions in every state (and
over a year with none of them)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from awards.dashboard import COUNCIL_STATUSES, state_of
from awards.models import (
    Awardee,
    AwardType,
    Ballot,
    BallotVoter,
    Decision,
    Dossier,
    Handover,
    Nomination,
    ballot_title,
)
from blocks.models import BlockYear, CouncilRole
from emulation.models import User
from tests.factories import YEAR, World, make_block_year, make_unit, make_user

B = Ballot.Status
K = Ballot.Kind
N = Nomination.Status


def _count_nominations(condition: Q | None = None) -> Count:
    return Count("nominations", filter=condition, distinct=True)


def queryset_state(block_year: BlockYear, user: User | None) -> dict[str, Any]:
    """What the former queryset of `state_of` read (kept here as it was)."""
    roles = CouncilRole.objects.filter(
        user=getattr(user, "pk", None), authority=OuterRef("block__authority")
    )
    by_status = {
        f"n_{status}": _count_nominations(Q(nominations__status=status))
        for status in COUNCIL_STATUSES
    }
    rows: list[Mapping[str, Any]] = list(
        BlockYear.objects.filter(pk=block_year.pk)
        .values(
            "year",
            "dossier__status",
            "dossier__submitted_at",
            "dossier__minutes",
            "handover__status",
            "ballots__pk",
            "ballots__kind",
            "ballots__status",
            "ballots__award_type__name_vi",
            "ballots__award_type__name_en",
            "ballots__members",
            "ballots__closes_on",
        )
        .annotate(
            nomination_count=_count_nominations(),
            ready_count=_count_nominations(
                Q(
                    nominations__report_approved_at__isnull=False,
                    nominations__attested_at__isnull=False,
                )
            ),
            returned_count=_count_nominations(Q(nominations__status=N.RETURNED)),
            **by_status,
            published_awards=_count_nominations(
                Q(
                    nominations__status__in=[N.APPROVED, N.AWARDED],
                    nominations__awardee__decision__status=Decision.Status.PUBLISHED,
                )
            ),
            voted=Count("ballots__voters", distinct=True),
            sits_on_council=Exists(roles),
            council_staff=Exists(roles.filter(role=CouncilRole.Role.STAFF)),
        )
        .order_by("ballots__created_at", "ballots__pk")
    )
    first = rows[0]
    archived_by = (
        User.objects.get(pk=block_year.archived_by_id) if block_year.archived_by_id else None
    )
    return {
        "ballots": [
            {
                "pk": row["ballots__pk"],
                "kind": row["ballots__kind"],
                "status": row["ballots__status"],
                "title": ballot_title(
                    row["ballots__kind"],
                    row["year"],
                    AwardType.localized(
                        row["ballots__award_type__name_vi"] or "",
                        row["ballots__award_type__name_en"] or "",
                    ),
                ),
                "members": row["ballots__members"] or 0,
                "closes_on": row["ballots__closes_on"],
                "voted": row["voted"],
            }
            for row in rows
            if row["ballots__pk"] is not None
        ],
        "nominations": first["nomination_count"],
        "ready": first["ready_count"],
        "returned": first["returned_count"],
        "dossier_status": first["dossier__status"],
        "dossier_submitted_at": first["dossier__submitted_at"],
        "minutes": first["dossier__minutes"] is not None,
        "handover_status": first["handover__status"],
        "by_status": {status: first[f"n_{status}"] for status in COUNCIL_STATUSES},
        "published_awards": first["published_awards"],
        "archived_by": (archived_by.full_name or archived_by.username) if archived_by else "",
        "sits_on_council": bool(first["sits_on_council"]),
        "council_staff": bool(first["council_staff"]),
    }


def sql_state(block_year: BlockYear, user: User | None) -> dict[str, Any]:
    fresh = BlockYear.objects.select_related("block").get(pk=block_year.pk)  # nothing cached
    state = state_of(fresh, user)
    return {key: getattr(state, key) for key in queryset_state(block_year, user)}


def busy_year(world: World) -> BlockYear:
    """The world's year with ballots of every status (voted in, with and without an award), a
    nomination in every status (some ready, one returned), awards in published and unpublished
    decisions, a dossier sent (without its minutes), a hand-over, and an archiver."""
    block_year = world.block_year
    units = [*world.units, *(make_unit(world.authority) for _ in range(6))]
    flag = AwardType.objects.get(code="provincial-flag")
    certificate = AwardType.objects.get(code="chairman-certificate")
    ballots = [
        Ballot.objects.create(
            block_year=block_year,
            kind=K.ACCLAIM,
            mode=Ballot.Mode.APPROVE,
            status=B.OPEN,
            members=7,
            closes_on=datetime.date(YEAR + 1, 1, 15),
            created_by=world.staff,
        ),
        Ballot.objects.create(
            block_year=block_year,
            kind=K.NOMINATION,
            award_type=flag,
            mode=Ballot.Mode.APPROVE,
            status=B.DRAFT,
            created_by=world.staff,
        ),
        Ballot.objects.create(
            block_year=block_year,
            kind=K.HEAD,
            mode=Ballot.Mode.CHOOSE,
            status=B.CLOSED,
            members=4,
            created_by=world.staff,
        ),
    ]
    voter = make_user()
    for ballot, count in zip(ballots, (3, 0, 4), strict=True):
        for unit in units[:count]:
            BallotVoter.objects.create(
                ballot=ballot, unit=unit, voted_by=voter, voted_at=timezone.now()
            )
    now = timezone.now()
    nominations = {}
    for index, status in enumerate(N):
        for award in (flag, certificate) if status in (N.APPROVED, N.AWARDED) else (flag,):
            nominations[status, award.code] = Nomination.objects.create(
                block_year=block_year,
                award_type=award,
                unit=units[index],
                unit_name=units[index].name,
                status=status,
                return_reason="Thiếu hồ sơ" if status == N.RETURNED else "",
                report_approved_at=now if index % 2 else None,
                attested_at=now if index % 3 else None,
            )
    published, issued = (
        Decision.objects.create(
            authority=world.authority,
            year=YEAR,
            award_type=award,
            kind=Decision.Kind.DECISION,
            status=status,
            number=number,
            signed_on=datetime.date(YEAR + 1, 3, 1),
            signer_name="Nguyễn Văn A",
            signer_title="Chủ tịch",
            legal_bases="Luật Thi đua, Khen thưởng",
            created_by=world.staff,
        )
        for award, status, number in (
            (flag, Decision.Status.PUBLISHED, "1/QĐ"),
            (certificate, Decision.Status.ISSUED, "2/QĐ"),
        )
    )
    for decision, key in (
        (published, (N.AWARDED, "provincial-flag")),
        (published, (N.APPROVED, "provincial-flag")),
        (published, (N.REJECTED, "provincial-flag")),  # not an award, whatever the decision
        (issued, (N.AWARDED, "chairman-certificate")),
    ):
        nomination = nominations[key]
        Awardee.objects.create(
            decision=decision,
            nomination=nomination,
            unit_name=nomination.unit_name,
            block_name=world.block.name,
        )
    Dossier.objects.create(block_year=block_year, status=Dossier.Status.SUBMITTED, submitted_at=now)
    following = make_block_year(world.block, world.units, year=YEAR + 1)
    Handover.objects.create(from_year=block_year, to_year=following, head=world.units[2])
    archiver = make_user(full_name="")
    BlockYear.objects.filter(pk=block_year.pk).update(archived_by=archiver, archived_at=now)
    block_year.refresh_from_db()
    return block_year


@pytest.mark.parametrize("role", ["staff", "member", "leader", "admin", "outsider", None])
def test_the_statement_reads_what_the_queryset_read_on_a_busy_year(
    world: World, role: str | None
) -> None:
    block_year = busy_year(world)
    user = world.user(role) if role else None
    expected = queryset_state(block_year, user)
    assert len(expected["ballots"]) == 3 and expected["nominations"] == 11
    assert expected["published_awards"] == 2 and expected["archived_by"]
    assert sql_state(block_year, user) == expected


@pytest.mark.parametrize("role", ["staff", "leader"])
def test_the_statement_reads_what_the_queryset_read_on_a_year_with_nothing_yet(
    world: World, role: str
) -> None:
    user = world.user(role)
    expected = queryset_state(world.block_year, user)
    assert expected["ballots"] == [] and expected["nominations"] == 0
    assert sql_state(world.block_year, user) == expected


def test_a_year_archived_by_someone_with_a_full_name_shows_it(world: World) -> None:
    BlockYear.objects.filter(pk=world.block_year.pk).update(
        archived_by=world.staff, archived_at=timezone.now()
    )
    world.block_year.refresh_from_db()
    assert sql_state(world.block_year, world.staff)["archived_by"] == "Cán bộ Ban Thi đua"
