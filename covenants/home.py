"""What each person must do now about documents, registrations and signing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import BlockYear, Membership
from covenants.models import Document, Registration, Signature
from emulation.home import Section
from emulation.http import AuthedRequest


def my_tasks(request: AuthedRequest) -> Section | None:
    """Covenants to sign, drafts to comment on and targets to register, for the person's units;
    for the secretariat, the year's covenant to write, its drafts to adopt, the comments to
    answer, the covenant to open for signing and the signatures still missing (three queries:
    the person's memberships, the years without a covenant, the unfinished documents)."""
    roles = request.roles
    today = timezone.localdate()
    tasks: list[dict[str, object]] = []
    if roles.units:
        memberships = list(
            Membership.objects.filter(
                unit__in=roles.units, left_on__isnull=True, block_year__year__gte=today.year - 1
            )
            .select_related("unit", "block_year")
            .annotate(
                # The unit signed the year's covenant open for signing / registered its targets.
                signed=Exists(
                    Signature.objects.filter(
                        unit=OuterRef("unit"),
                        version__document__block_year=OuterRef("block_year"),
                        version__document__status=Document.Status.SIGNING,
                    )
                ),
                registered=Exists(
                    Registration.objects.filter(
                        unit=OuterRef("unit"), block_year=OuterRef("block_year")
                    )
                ),
            )
        )
        years = {m.block_year_id for m in memberships}
        documents = list(
            Document.objects.filter(
                block_year__in=years,
                status__in=[
                    Document.Status.CONSULTATION,
                    Document.Status.SIGNING,
                    Document.Status.IN_FORCE,
                ],
            )
        )
        for document in documents:
            for membership in memberships:
                if membership.block_year_id != document.block_year_id:
                    continue
                unit = membership.unit
                if document.status == Document.Status.SIGNING and roles.leads(unit.pk):
                    if not membership.signed:
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
        # Targets are registered until the covenant goes out for signing.
        covenant_closed = {
            d.block_year_id
            for d in documents
            if d.kind == Document.Kind.COVENANT and d.status != Document.Status.CONSULTATION
        }
        to_register = [
            m
            for m in memberships
            if m.block_year.year == today.year and m.block_year_id not in covenant_closed
        ]
        for membership in to_register:
            year = membership.block_year
            if not membership.registered:
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
    if roles.secretariat_years:
        tasks.extend(_writing_tasks(roles.secretariat_years, today))
        tasks.extend(_secretariat_tasks(roles.secretariat_years))
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("covenants/_home.html", {"tasks": tasks, "today": today}, order=5)


def _writing_tasks(years: Iterable[int], today: datetime.date) -> list[dict[str, object]]:
    """This year's and next year's blocks the person runs that have no covenant yet."""
    without = (
        BlockYear.objects.filter(pk__in=years, year__gte=today.year, archived_at__isnull=True)
        .exclude(
            Exists(Document.objects.filter(block_year=OuterRef("pk"), kind=Document.Kind.COVENANT))
        )
        .select_related("block")
        .order_by("year", "pk")
    )
    return [
        {
            "icon": "file-earmark-plus",
            "text": _(
                "Write the %(year)s documents of %(block)s: operating rules, work plan and"
                " covenant (or start from last year's)"
            )
            % {"year": block_year.year, "block": block_year.block.name},
            "deadline": block_year.signing_deadline,
            "url": reverse("covenants:document_list", args=[block_year.pk]),
        }
        for block_year in without
    ]


def _secretariat_documents(years: Iterable[int]) -> Any:
    """The documents of the years the person runs (a handful each), with their comments awaiting
    an answer, the signatures on their latest version and the year's current member count."""
    members = (
        Membership.objects.filter(block_year=OuterRef("block_year"), left_on__isnull=True)
        .order_by()
        .values("block_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Document.objects.filter(block_year__in=years)
        .with_pending_count()
        .with_signature_count()
        .annotate(members=Coalesce(Subquery(members, output_field=IntegerField()), 0))
        .select_related("block_year")
        .order_by("block_year", "pk")
    )


def _secretariat_tasks(years: Iterable[int]) -> list[dict[str, object]]:
    tasks: list[dict[str, object]] = []
    for document in _secretariat_documents(years):
        title = {"title": document.title}
        pending = document.pending_comments  # type: ignore[attr-defined]
        if pending:
            tasks.append(
                {
                    "icon": "reply",
                    "text": _("Answer %(count)d comments on “%(title)s”")
                    % {"count": pending, **title},
                    "deadline": None,
                    "url": document.get_absolute_url(),
                }
            )
        if document.status == Document.Status.DRAFT:
            tasks.append(
                {
                    "icon": "file-earmark-text",
                    "text": _("Put “%(title)s” out for comments, or adopt it") % title,
                    "deadline": None,
                    "url": document.get_absolute_url(),
                }
            )
        elif document.status == Document.Status.CONSULTATION and not pending:
            tasks.append(
                {
                    "icon": "file-earmark-check",
                    "text": _("Adopt “%(title)s” once the comments are in") % title,
                    "deadline": document.consultation_until,
                    "url": reverse("covenants:document_adopt", args=[document.pk]),
                }
            )
        elif document.status == Document.Status.ADOPTED and document.is_covenant:
            tasks.append(
                {
                    "icon": "pen",
                    "text": _("Open the covenant for signing by the member units"),
                    "deadline": document.block_year.signing_deadline,
                    "url": reverse("covenants:signing_open", args=[document.pk]),
                }
            )
        elif document.status == Document.Status.SIGNING:
            tasks.append(
                {
                    "icon": "people",
                    "text": _("Covenant signing: %(signed)d of %(total)d units have signed")
                    % {
                        "signed": document.signatures,  # type: ignore[attr-defined]
                        "total": document.members,  # type: ignore[attr-defined]
                    },
                    "deadline": document.signing_deadline,
                    "url": reverse("covenants:signing_progress", args=[document.pk]),
                }
            )
    return tasks
