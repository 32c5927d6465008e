"""What each person must do now about documents, registrations and signing."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import Membership
from covenants.models import Document, Registration, Signature
from emulation.home import Section
from emulation.http import AuthedRequest


def my_tasks(request: AuthedRequest) -> Section | None:
    """Covenants to sign, drafts to comment on and targets to register, for the person's units;
    for the secretariat, the comments to answer."""
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
        # The secretariat: comments to answer.
        answering = Document.objects.filter(block_year__in=roles.secretariat_years)
        for document in answering.with_pending_count().order_by("pk"):
            if not document.pending_comments:  # type: ignore[attr-defined]
                continue
            tasks.append(
                {
                    "icon": "reply",
                    "text": _("Answer %(count)d comments on “%(title)s”")
                    % {"count": document.pending_comments, "title": document.title},  # type: ignore[attr-defined]
                    "deadline": None,
                    "url": document.get_absolute_url(),
                }
            )
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("covenants/_home.html", {"tasks": tasks, "today": today}, order=5)
