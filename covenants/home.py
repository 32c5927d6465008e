"""What each person must do now about documents, registrations and signing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import Membership, UnitRole
from covenants.models import Comment, Document, Registration, Signature
from emulation.home import Section
from emulation.http import AuthedRequest


def my_tasks(request: AuthedRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    tasks: list[dict[str, object]] = []
    roles = UnitRole.objects.filter(user=user).values_list("unit", "role")
    leader_units = {unit for unit, role in roles if role == UnitRole.Role.LEADER}
    all_units = {unit for unit, _role in roles}
    if all_units:
        memberships = Membership.objects.filter(
            unit__in=all_units, left_on__isnull=True, block_year__year__gte=today.year - 1
        ).select_related("unit", "block_year__block")
        open_documents = Document.objects.filter(
            block_year__in={m.block_year_id for m in memberships},
            status__in=[Document.Status.SIGNING, Document.Status.CONSULTATION],
        )
        signed = set(
            Signature.objects.filter(
                unit__in=leader_units, version__document__status=Document.Status.SIGNING
            ).values_list("version__document", "unit")
        )
        registered = set(
            Registration.objects.filter(unit__in=all_units).values_list("block_year", "unit")
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
        covenant_closed = set(
            Document.objects.filter(
                kind=Document.Kind.COVENANT,
                status__in=[Document.Status.SIGNING, Document.Status.IN_FORCE],
                block_year__in={m.block_year_id for m in memberships},
            ).values_list("block_year", flat=True)
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
    leading = (
        Membership.objects.leading().current().filter(unit__roles__user=user).values("block_year")
    )
    pending = (
        Comment.objects.filter(
            answer=Comment.Answer.PENDING, version__document__block_year__in=leading
        )
        .select_related("version__document")
        .order_by("version__document")
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
