"""The home sections, read with SQL written by hand, show the same roles, blocks and tasks as the
ORM queries they replaced, over varied data: documents, sheets, ballots and nominations in every
status, deadlines past, future and empty, last year's and this year's blocks, memberships ended,
and people with several roles at once.

The ORM queries are kept here as they were, as the reference (`orm_sections`); each section is
compared as the page renders it."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards import home as awards_home
from awards.models import (
    Awardee,
    AwardType,
    Ballot,
    BallotVoter,
    CouncilSession,
    CouncilVoter,
    Decision,
    Handover,
    Nomination,
)
from blocks.dashboard import url_maker
from blocks.home import Roles, read_roles
from blocks.models import Block, BlockYear, CouncilRole, Membership, UnitRole
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.home import Section, sections_for
from emulation.models import User
from scoring import home as scoring_home
from scoring.models import CriteriaTable, Ranking, ScoreSheet
from tests.factories import (
    World,
    grow,
    make_award_type,
    make_block,
    make_block_year,
    make_unit,
    make_user,
)

B, N, S = Ballot.Status, Nomination.Status, ScoreSheet.Status
LEADING = (Membership.Role.HEAD, Membership.Role.DEPUTY)


# The ORM reads, as they were ------------------------------------------------------------------


def orm_roles(user: User) -> Roles:
    year = timezone.localdate().year
    unit_roles = list(
        UnitRole.objects.filter(user=user).select_related("unit").order_by("unit__name", "role")
    )
    memberships = (
        list(
            Membership.objects.filter(
                Q(left_on__isnull=True) | Q(block_year__year__in=[year - 1, year]),
                unit__in=sorted({r.unit_id for r in unit_roles}),
            )
            .select_related("block_year__block")
            .order_by("-block_year__year", "pk")
        )
        if unit_roles
        else []
    )
    units = {r.unit_id: r.unit for r in unit_roles}
    for membership in memberships:
        membership.unit = units[membership.unit_id]
    council_roles = list(
        CouncilRole.objects.filter(user=user)
        .select_related("authority")
        .order_by("authority__level", "authority__name", "role")
    )
    return Roles(year, unit_roles, council_roles, memberships)


def orm_blocks(user: User, roles: Roles) -> Section | None:
    year = roles.year
    if not (roles.unit_roles or roles.council_roles or user.is_superuser):
        return None
    headless: list[dict[str, Any]] = []
    missing_year: list[Block] = []
    if roles.staff_of:
        blocks = list(
            Block.objects.filter(authority__in=roles.staff_of)
            .annotate(
                this_year=FilteredRelation("years", condition=Q(years__year=year)),
                year_pk=F("this_year__pk"),
                has_head=Exists(
                    Membership.objects.filter(
                        block_year=OuterRef("this_year__pk"), role=Membership.Role.HEAD
                    )
                ),
            )
            .order_by("name")
        )
        headless = [
            {"pk": b.year_pk, "block_name": b.name, "year": year}
            for b in blocks
            if b.year_pk is not None and not b.has_head
        ]
        missing_year = [b for b in blocks if b.year_pk is None]
    council_years: list[dict[str, Any]] = []
    year_url = url_maker("blocks:blockyear_detail")
    if roles.council_roles:
        rows = (
            BlockYear.objects.filter(
                block__authority__in=sorted({r.authority_id for r in roles.council_roles}),
                year=year,
            )
            .annotate(
                member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
                head_name=Subquery(
                    Membership.objects.filter(
                        block_year=OuterRef("pk"), role=Membership.Role.HEAD
                    ).values("unit__name")[:1]
                ),
            )
            .order_by("block__authority__name", "block__name")
            .values(
                "pk", "block__name", "block__authority__short_name", "member_count", "head_name"
            )
        )
        council_years = [{**row, "url": year_url(row["pk"])} for row in rows]
    unit_url = url_maker("blocks:unit_detail")
    membership_roles = dict(Membership.Role.choices)
    cards = []
    for role in roles.unit_roles:
        memberships = [
            {
                "url": year_url(m.block_year_id),
                "label": f"{m.block_year.block.name} – {m.block_year.year}",
                "role": "" if m.role == Membership.Role.MEMBER else membership_roles[m.role],
                "left_on": m.left_on,
            }
            for m in roles.memberships
            if m.unit_id == role.unit_id and m.block_year.year in (year - 1, year)
        ]
        cards.append(
            {
                "url": unit_url(role.unit_id),
                "name": role.unit.name,
                "role": role.get_role_display(),
                "title": role.title,
                "memberships": memberships,
            }
        )
    return Section(
        "blocks/_home.html",
        {
            "year": year,
            "unit_roles": cards,
            "council_roles": roles.council_roles,
            "headless": headless,
            "missing_year": missing_year,
            "council_years": council_years,
        },
        order=10,
    )


def orm_covenants(roles: Roles) -> Section | None:
    today = timezone.localdate()
    tasks: list[dict[str, Any]] = []
    leader_units = set(roles.led)
    all_units = roles.unit_ids
    if all_units:
        memberships = sorted(
            (
                m
                for m in roles.memberships
                if m.left_on is None and m.block_year.year >= today.year - 1
            ),
            key=lambda m: (m.position, m.pk),
        )
        documents = list(
            Document.objects.filter(
                block_year__in=sorted({m.block_year_id for m in memberships}),
                status__in=[
                    Document.Status.SIGNING,
                    Document.Status.CONSULTATION,
                    Document.Status.IN_FORCE,
                ],
            )
        )
        open_documents = [
            d
            for d in documents
            if d.status in (Document.Status.SIGNING, Document.Status.CONSULTATION)
        ]
        signing = [d.pk for d in documents if d.status == Document.Status.SIGNING]
        signed = set(
            Signature.objects.filter(unit__in=roles.led, version__document__in=signing)
            .order_by()
            .values_list("version__document", "unit")
            if roles.led and signing
            else []
        )
        covenant_closed = {
            d.block_year_id
            for d in documents
            if d.kind == Document.Kind.COVENANT
            and d.status in (Document.Status.SIGNING, Document.Status.IN_FORCE)
        }
        this_year = sorted(
            {m.block_year_id for m in memberships if m.block_year.year == today.year}
        )
        registered = set(
            Registration.objects.filter(unit__in=all_units, block_year__in=this_year)
            .order_by()
            .values_list("block_year", "unit")
            if this_year
            else []
        )
        for document in open_documents:
            for membership in memberships:
                if membership.block_year_id != document.block_year_id:
                    continue
                unit = membership.unit
                if document.status == Document.Status.SIGNING and unit.pk in leader_units:
                    if (document.pk, unit.pk) not in signed:
                        tasks.append(
                            {
                                "icon": "pen",
                                "text": _("Sign the covenant for %(unit)s") % {"unit": unit.name},
                                "deadline": document.signing_deadline,
                                "url": reverse("covenants:covenant_sign", args=[document.pk]),
                            }
                        )
                elif document.status == Document.Status.CONSULTATION:
                    tasks.append(
                        {
                            "icon": "chat-left-text",
                            "text": _("Comment on “%(title)s” for %(unit)s")
                            % {"title": document.title, "unit": unit.name},
                            "deadline": document.consultation_until,
                            "url": document.get_absolute_url(),
                        }
                    )
        for membership in memberships:
            year = membership.block_year
            if (
                year.year == today.year
                and year.pk not in covenant_closed
                and (year.pk, membership.unit_id) not in registered
            ):
                tasks.append(
                    {
                        "icon": "list-check",
                        "text": _("Register the targets of %(unit)s for %(year)s")
                        % {"unit": membership.unit.name, "year": year.year},
                        "deadline": year.signing_deadline,
                        "url": reverse(
                            "covenants:registration_edit", args=[year.pk, membership.unit_id]
                        ),
                    }
                )
    pending = (
        list(
            Comment.objects.filter(
                answer=Comment.Answer.PENDING, version__document__block_year__in=roles.running
            )
            .select_related("version__document")
            .order_by("version__document")
        )
        if roles.running
        else []
    )
    for document_id in {c.version.document_id for c in pending}:
        document = next(c.version.document for c in pending if c.version.document_id == document_id)
        count = sum(1 for c in pending if c.version.document_id == document_id)
        tasks.append(
            {
                "icon": "reply",
                "text": _("Answer %(count)d comments on “%(title)s”")
                % {"count": count, "title": document.title},
                "deadline": None,
                "url": document.get_absolute_url(),
            }
        )
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("covenants/_home.html", {"tasks": tasks, "today": today}, order=5)


def orm_scoring(roles: Roles) -> Section | None:
    today = timezone.localdate()
    if not (roles.unit_ids or roles.running):
        return None
    my_units, led, running = set(roles.units), set(roles.led), set(roles.running)
    sheets = list(
        ScoreSheet.objects.filter(
            Q(unit__in=roles.unit_ids)
            | Q(reviewer_unit__in=roles.unit_ids)
            | Q(table__block_year__in=roles.running),
            table__opened_at__isnull=False,
            table__ranking__isnull=True,
        )
        .select_related("table__block_year__block")
        .order_by("table__deadline", "position")
    )
    for sheet in sheets:
        sheet.mine = sheet.unit_id in my_units  # type: ignore[attr-defined]
        sheet.leads = sheet.unit_id in led  # type: ignore[attr-defined]
        sheet.reviews = sheet.reviewer_unit_id in my_units  # type: ignore[attr-defined]
        sheet.runs = sheet.table.block_year_id in running  # type: ignore[attr-defined]
    tasks: list[dict[str, Any]] = []
    unfinished: dict[int, bool] = {}
    for sheet in sheets:
        table = sheet.table
        if sheet.runs:  # type: ignore[attr-defined]
            unfinished[table.pk] = unfinished.get(table.pk, False) or sheet.status != S.FINAL
        task = scoring_home._task_for(sheet, today)
        if task:
            tasks.append(task)
    for sheet in sheets:
        if unfinished.get(sheet.table_id) is False:
            unfinished[sheet.table_id] = True
            block_year = sheet.table.block_year
            tasks.append(
                scoring_home._task(
                    "megaphone",
                    _("Publish the %(year)s ranking of %(block)s")
                    % {"year": block_year.year, "block": block_year.block.name},
                    None,
                    reverse("scoring:ranking_detail", args=[block_year.pk]),
                )
            )
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("scoring/_home.html", {"tasks": tasks, "today": today}, order=6)


def orm_ballots(roles: Roles, today: datetime.date) -> list[Ballot]:
    voting, running = set(roles.voting), set(roles.running)
    ballots = Ballot.objects.filter(
        Q(status=B.OPEN, block_year__in=roles.voting)
        & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        | Q(status__in=[B.DRAFT, B.OPEN], block_year__in=roles.running)
        | Q(
            kind=Ballot.Kind.HEAD,
            status=B.CLOSED,
            block_year__handover__status=Handover.Status.PENDING,
            block_year__block__authority__in=roles.staff_of,
        )
    )
    if voting or running:
        ballots = ballots.annotate(
            voted=Count("voters", filter=Q(voters__unit__in=roles.led)),
            voted_count=Count("voters"),
        )
    found = list(
        ballots.select_related("block_year__block", "award_type").order_by(
            "closes_on", "created_at", "pk"
        )
    )
    for ballot in found:
        ballot.can_vote = ballot.block_year_id in voting  # type: ignore[attr-defined]
        ballot.runs = ballot.block_year_id in running  # type: ignore[attr-defined]
        if not (voting or running):
            ballot.voted, ballot.voted_count = False, 0  # type: ignore[attr-defined]
    return found


def orm_nominations(roles: Roles) -> list[Nomination]:
    found = list(
        Nomination.objects.filter(
            Q(unit__in=roles.unit_ids) | Q(block_year__in=roles.running),
            status__in=[N.DRAFT, N.RETURNED],
        )
        .select_related("block_year__block", "award_type")
        .order_by("block_year__dossier_deadline", "block_year", "award_type__position", "unit_name")
    )
    led, officer_of, running = set(roles.led), set(roles.officer_of), set(roles.running)
    for nomination in found:
        nomination.leads = nomination.unit_id in led  # type: ignore[attr-defined]
        nomination.writes = nomination.unit_id in officer_of  # type: ignore[attr-defined]
        nomination.runs = nomination.block_year_id in running  # type: ignore[attr-defined]
    return found


def orm_council_counts(staff_of: list[int]) -> Any:
    in_decision = Awardee.objects.filter(
        nomination=OuterRef("pk"),
        decision__status__in=[Decision.Status.ISSUED, Decision.Status.PUBLISHED],
    )
    return (
        Nomination.objects.filter(
            block_year__block__authority__in=staff_of,
            status__in=[N.SUBMITTED, N.RECEIVED, N.APPROVED],
        )
        .order_by()
        .values(
            "block_year__block__authority",
            "block_year__block__authority__name",
            "block_year__year",
        )
        .annotate(
            to_receive=Count("pk", filter=Q(status=N.SUBMITTED)),
            to_appraise=Count("pk", filter=Q(status=N.RECEIVED)),
            awaiting=Count("pk", filter=Q(Q(status=N.APPROVED), ~Exists(in_decision))),
        )
        .order_by("block_year__year", "block_year__block__authority__name")
    )


def orm_council_tasks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tasks = []
    task = awards_home._task
    for row in rows:
        authority, year = row["block_year__block__authority"], row["block_year__year"]
        names = {"authority": row["block_year__block__authority__name"], "year": year}
        intake = reverse("awards:intake_list", args=[authority, year])
        if row["to_receive"]:
            tasks.append(
                task(
                    "inbox",
                    ngettext(
                        "%(n)d nomination to receive (%(authority)s, %(year)d)",
                        "%(n)d nominations to receive (%(authority)s, %(year)d)",
                        row["to_receive"],
                    )
                    % {**names, "n": row["to_receive"]},
                    None,
                    intake,
                )
            )
        if row["to_appraise"]:
            tasks.append(
                task(
                    "clipboard-check",
                    ngettext(
                        "%(n)d nomination to appraise (%(authority)s, %(year)d)",
                        "%(n)d nominations to appraise (%(authority)s, %(year)d)",
                        row["to_appraise"],
                    )
                    % {**names, "n": row["to_appraise"]},
                    None,
                    intake,
                )
            )
        if row["awaiting"]:
            tasks.append(
                task(
                    "file-earmark-check",
                    ngettext(
                        "%(n)d approved nomination awaiting a decision (%(authority)s, %(year)d)",
                        "%(n)d approved nominations awaiting a decision (%(authority)s, %(year)d)",
                        row["awaiting"],
                    )
                    % {**names, "n": row["awaiting"]},
                    None,
                    reverse("awards:decision_list", args=[authority, year]),
                )
            )
    return tasks


def orm_sessions(user: User, member_of: list[int]) -> Any:
    return (
        CouncilSession.objects.filter(
            status=CouncilSession.Status.OPEN, present=user, authority__in=member_of
        )
        .exclude(Exists(CouncilVoter.objects.filter(session=OuterRef("pk"), user=user)))
        .select_related("authority")
        .order_by("held_on", "pk")
    )


def orm_awards(user: User, roles: Roles) -> Section | None:
    today = timezone.localdate()
    ballots = orm_ballots(roles, today) if roles.voting or roles.running or roles.staff_of else []
    nominations = orm_nominations(roles) if roles.unit_ids or roles.running else []
    counts = list(orm_council_counts(roles.staff_of)) if roles.staff_of else []
    sessions = list(orm_sessions(user, roles.member_of)) if roles.member_of else []
    tasks: list[dict[str, Any]] = []
    handovers: set[int] = set()
    for ballot in ballots:
        if ballot.kind == Ballot.Kind.HEAD and ballot.status == B.CLOSED:
            if ballot.block_year_id not in handovers:
                handovers.add(ballot.block_year_id)
                tasks.append(awards_home._handover_task(ballot))
            continue
        tasks.extend(awards_home._ballot_tasks(ballot, today))
    tasks.extend(awards_home._nomination_tasks(nominations))
    tasks.extend(orm_council_tasks(counts))
    tasks.extend(awards_home._session_tasks(sessions))
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("awards/_home.html", {"tasks": tasks, "today": today}, order=7)


def orm_sections(user: User) -> list[Section]:
    roles = orm_roles(user)
    found = [
        orm_blocks(user, roles),
        orm_covenants(roles),
        orm_scoring(roles),
        orm_awards(user, roles),
    ]
    return sorted((s for s in found if s is not None), key=lambda s: s.order)


# Comparing ------------------------------------------------------------------------------------


def rendered(sections: list[Section]) -> list[tuple[str, int, str]]:
    return [
        (s.template, s.order, render_to_string(s.template, {"data": s.context})) for s in sections
    ]


def snapshot(roles: Roles) -> dict[str, Any]:
    """A person's roles as plain values."""
    return {
        "unit_roles": [(r.pk, r.unit_id, r.unit.name, r.role, r.title) for r in roles.unit_roles],
        "memberships": [
            (
                m.pk,
                m.unit_id,
                m.unit.name,
                m.role,
                m.position,
                m.left_on,
                m.block_year_id,
                m.block_year.year,
                m.block_year.signing_deadline,
                m.block_year.block.name,
            )
            for m in roles.memberships
        ],
        "council_roles": [
            (r.pk, r.authority_id, r.authority.name, r.role, r.title) for r in roles.council_roles
        ],
        "derived": (
            roles.unit_ids,
            roles.led,
            roles.officer_of,
            roles.running,
            roles.voting,
            roles.staff_of,
            roles.member_of,
        ),
    }


def assert_same_home(user: User) -> int:
    """The new sections equal the ORM ones for the person; how many tasks and rows they show."""
    assert snapshot(read_roles(user)) == snapshot(orm_roles(user))
    request: Any = type("Request", (), {"user": user})()
    new, old = sections_for(request), orm_sections(user)
    for before, after in zip(old, new, strict=True):
        if "tasks" in before.context:
            assert after.context["tasks"] == before.context["tasks"], user
    assert rendered(new) == rendered(old), user
    return sum(len(s.context.get("tasks", s.context.get("unit_roles", []))) for s in new)


# Varied data ----------------------------------------------------------------------------------


def varied_data(world: World, seed: int) -> list[User]:
    """Over the world grown with more blocks and last year's: documents, comments, signatures
    and registrations; criteria tables and sheets; ballots, voters, hand-overs, nominations,
    decisions and council sessions, each in a status, and with dates, drawn at random. The
    people to compare: every persona and two with several roles."""
    rng = random.Random(seed)
    today = timezone.localdate()
    grow(world)
    day = datetime.timedelta(days=1)
    ninh_thuan = make_block(world.other_authority, "Khối thi đua các sở Ninh Thuận")
    make_block_year(ninh_thuan, [world.other_unit, world.units[1]], head=world.units[1])
    # Blocks without this year's year, and some of this year's without a head.
    make_block(world.authority, "Khối A chưa có năm")
    make_block(world.authority, "Khối Z chưa có năm")
    make_block(world.other_authority, "Khối M chưa có năm")
    for year in BlockYear.objects.filter(year=today.year).order_by("pk"):
        if rng.random() < 0.5:
            Membership.objects.filter(block_year=year, role=Membership.Role.HEAD).update(
                role=Membership.Role.MEMBER
            )
    # Someone who leads two units and is an officer of a third, council staff here and a
    # council member in the other province; someone whose unit left its block.
    many = make_user(full_name="Nhiều vai trò")
    for unit, role in [
        (world.units[0], UnitRole.Role.LEADER),
        (world.units[3], UnitRole.Role.LEADER),
        (world.units[1], UnitRole.Role.OFFICER),
    ]:
        UnitRole.objects.create(user=many, unit=unit, role=role, title="Phó Giám đốc")
    CouncilRole.objects.create(user=many, authority=world.authority, role=CouncilRole.Role.STAFF)
    CouncilRole.objects.create(
        user=many, authority=world.other_authority, role=CouncilRole.Role.MEMBER
    )
    CouncilRole.objects.create(
        user=world.staff, authority=world.other_authority, role=CouncilRole.Role.STAFF
    )
    gone = make_unit(world.authority, "Đơn vị đã rời khối")
    leaver = make_user(full_name="Lãnh đạo đơn vị đã rời")
    UnitRole.objects.create(user=leaver, unit=gone, role=UnitRole.Role.LEADER)
    Membership.objects.create(
        block_year=world.block_year,
        unit=gone,
        position=20,
        joined_on=world.block_year.first_day,
        left_on=today - 10 * day,
    )
    Membership.objects.filter(block_year__block=world.block, unit=world.units[3]).update(
        role=Membership.Role.DEPUTY
    )
    # Two years ago, and ended memberships in past years (which the roles leave out, but for
    # last year's).
    make_block_year(world.block, world.units, year=today.year - 2, head=world.units[3])
    for membership in Membership.objects.filter(block_year__year__lt=today.year).order_by("pk"):
        if rng.random() < 0.4:
            membership.left_on = datetime.date(membership.block_year.year, 12, 31)
            membership.save()
    years = list(BlockYear.objects.select_related("block").order_by("pk"))
    units_of = {
        year.pk: list(Membership.objects.filter(block_year=year).order_by("pk")) for year in years
    }

    def some_date() -> datetime.date | None:
        return rng.choice([None, today - 20 * day, today - day, today, today + 5 * day])

    # Documents, comments, signatures and registrations.
    author = world.secretariat
    for year in years:
        for kind in rng.sample(list(Document.Kind), 3):
            if kind == Document.Kind.CRITERIA:
                continue
            document = Document.objects.create(
                block_year=year,
                kind=kind,
                title=f"{kind} {year.year} {year.block.name}",
                status=rng.choice(list(Document.Status)),
                consultation_until=some_date(),
                signing_deadline=some_date(),
            )
            for number in (1, 2):
                version = DocumentVersion.objects.create(
                    document=document, number=number, created_by=author
                )
                for membership in units_of[year.pk]:
                    if rng.random() < 0.4:
                        Comment.objects.create(
                            version=version,
                            unit=membership.unit,
                            author=author,
                            text="Góp ý",
                            answer=rng.choice(list(Comment.Answer)),
                        )
                    if rng.random() < 0.4:
                        Signature.objects.create(
                            version=version,
                            unit=membership.unit,
                            unit_name=membership.unit.name,
                            signer=author,
                            signer_name="Người ký",
                            signed_at=timezone.now(),
                            method=Signature.Method.PASSWORD,
                            sha256="0" * 64,
                        )
        year.signing_deadline = some_date()
        year.dossier_deadline = rng.choice([None, today + 3 * day, today + 9 * day])
        year.save()
        for membership in units_of[year.pk]:
            if rng.random() < 0.4:
                Registration.objects.create(
                    block_year=year, unit=membership.unit, targets="Mục tiêu", registered_by=author
                )
    # Criteria tables and sheets: one table per year, with its own deadline.
    for index, year in enumerate(years):
        table = CriteriaTable.objects.create(
            block_year=year,
            opened_at=timezone.now() if rng.random() < 0.8 else None,
            deadline=None if index == 0 else today + (index - 4) * day,
        )
        members = units_of[year.pk]
        for position, membership in enumerate(members):
            reviewer = rng.choice([None, *[m.unit for m in members if m != membership]])
            ScoreSheet.objects.create(
                table=table,
                unit=membership.unit,
                unit_name=membership.unit.name,
                position=position,
                status=rng.choice(list(S)),
                reviewer_unit=reviewer,
                reopened_until=rng.choice([None, today + 2 * day]),
                respond_by=some_date(),
            )
        if rng.random() < 0.25:
            Ranking.objects.create(
                table=table, published_at=timezone.now(), published_by=author, sha256="0" * 64
            )
    # Ballots, voters and hand-overs; nominations, decisions and awardees.
    awards = [*AwardType.objects.order_by("position"), make_award_type(attestations=[])]
    for year in years:
        for _number in range(rng.randint(1, 4)):
            ballot_kind = rng.choice(list(Ballot.Kind))
            ballot = Ballot.objects.create(
                block_year=year,
                kind=ballot_kind,
                award_type=rng.choice(awards) if ballot_kind == Ballot.Kind.NOMINATION else None,
                mode=Ballot.Mode.APPROVE,
                method=rng.choice(list(Ballot.Method)),
                status=rng.choice(list(B)),
                closes_on=some_date(),
                members=rng.choice([None, 7]),
                created_by=author,
            )
            for membership in units_of[year.pk]:
                if rng.random() < 0.5:
                    BallotVoter.objects.create(
                        ballot=ballot,
                        unit=membership.unit,
                        voted_by=author,
                        voted_at=timezone.now(),
                    )
        following = BlockYear.objects.filter(block=year.block, year=year.year + 1).first()
        if following is not None and units_of[following.pk]:
            Handover.objects.create(
                from_year=year,
                to_year=following,
                head=units_of[following.pk][0].unit,
                status=rng.choice(list(Handover.Status)),
            )
        for membership in units_of[year.pk]:
            for award in rng.sample(awards, 2):
                status = rng.choice(list(N))
                nomination = Nomination.objects.create(
                    block_year=year,
                    award_type=award,
                    unit=membership.unit,
                    unit_name=membership.unit.name,
                    status=status,
                    return_reason="Thiếu hồ sơ" if status == N.RETURNED else "",
                    report_updated_at=rng.choice([None, timezone.now()]),
                    report_approved_at=rng.choice([None, timezone.now()]),
                    attested_at=rng.choice([None, timezone.now()]),
                )
                if status == N.APPROVED and rng.random() < 0.5:
                    decision = Decision.objects.create(
                        authority=year.block.authority,
                        year=year.year,
                        award_type=award,
                        kind=Decision.Kind.DECISION,
                        status=rng.choice(list(Decision.Status)),
                        number=f"{nomination.pk}/QĐ",
                        signed_on=today,
                        signer_name="Chủ tịch",
                        signer_title="Chủ tịch UBND tỉnh",
                        created_by=author,
                    )
                    Awardee.objects.create(
                        decision=decision,
                        nomination=nomination,
                        unit_name=membership.unit.name,
                        block_name=year.block.name,
                    )
    # Council sessions: open or not, the person present or not, voted or not.
    for authority in (world.authority, world.other_authority):
        for index in range(4):
            session = CouncilSession.objects.create(
                authority=authority,
                year=today.year - 1,
                title=f"Phiên họp {index}",
                held_on=today - index * day,
                status=rng.choice(list(CouncilSession.Status)),
                created_by=author,
            )
            for person in (world.member, many):
                if rng.random() < 0.7:
                    session.present.add(person)
                if rng.random() < 0.3:
                    CouncilVoter.objects.create(
                        session=session, user=person, voted_at=timezone.now()
                    )
    personas = ["admin", "staff", "member", "secretariat", "leader", "leader2", "officer"]
    return [*(world.user(p) for p in personas), world.outsider, many, leaver]  # type: ignore[list-item]


@pytest.mark.parametrize("seed", range(6))
def test_the_home_sections_show_what_the_orm_queries_showed(world: World, seed: int) -> None:
    shown = [assert_same_home(user) for user in varied_data(world, seed)]
    assert sum(shown) > 10  # the comparison is not between empty pages


def test_the_home_sections_agree_on_an_empty_world(world: World) -> None:
    for role in ["admin", "staff", "member", "secretariat", "leader", "officer", "outsider"]:
        assert_same_home(world.user(role))  # type: ignore[arg-type]
    assert assert_same_home(make_user()) == 0
