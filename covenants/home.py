"""What each person must do now about documents, registrations and signing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.home import roles_of
from covenants.models import Comment, Document, Registration, Signature
from emulation.home import Section
from emulation.http import AuthedRequest


def my_tasks(request: AuthedRequest) -> Section | None:
    """At most four queries besides the person's roles (`blocks.home.roles_of`), whatever the
    data size: the open documents of their blocks, their units' signatures on those open for
    signing, their registrations in this year's blocks, and the
    comments to answer as secretariat. A query with nothing to look for is not run."""
    today = timezone.localdate()
    tasks: list[dict[str, object]] = []
    roles = roles_of(request)
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
    # The secretariat: comments to answer and signatures to follow.
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
