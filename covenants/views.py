"""Screens for the year's documents, the consultation, registration of targets and signing."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from blocks.models import Authority, BlockYear, Unit, UnitRole
from covenants import services
from covenants.forms import (
    AnswerForm,
    CommentForm,
    DateForm,
    DocumentCreateForm,
    PaperSignatureForm,
    RegistrationForm,
    RevisionForm,
    SignForm,
)
from covenants.models import (
    Comment,
    Document,
    DocumentQuerySet,
    DocumentVersion,
    Registration,
    Signature,
)
from covenants.tables import RegistrationReviewTable
from emulation import otp
from emulation.actions import form_page as _form_page
from emulation.actions import private_download, require_for_unit
from emulation.actions import require as _require
from emulation.audit import client_ip
from emulation.bulk import act_in_one_go, posted_ids
from emulation.errors import DomainError
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response
from emulation.models import IssuedDocument
from emulation.tables import RequestConfig

FORM_METHODS = ["GET", "HEAD", "POST"]


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _document(request: AuthedRequest, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.filter(
            block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("block_year__block__authority", "in_force_version"),
        pk=pk,
    )


def _own_units(
    request: AuthedRequest, block_year: BlockYear, role: str | None = None
) -> QuerySet[Unit]:
    """The person's units that are current members of the year (those they lead, for a leader)."""
    roles = request.roles
    units = (
        roles.led_member_units_of(block_year.pk)
        if role == UnitRole.Role.LEADER
        else roles.member_units_of(block_year.pk)
    )
    return Unit.objects.filter(pk__in=units).order_by("name")


# Documents ---------------------------------------------------------------------------------


@require_safe
def document_list(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    documents = block_year.documents.annotate(
        version_count=Count("versions", distinct=True),
        pending_comments=Count(
            "versions__comments", filter=Q(versions__comments__answer="pending"), distinct=True
        ),
    ).order_by("kind", "pk")
    can_run = request.user.has_perm("covenants.run_documents", block_year)
    if can_run:
        same = Document.objects.filter(pk=OuterRef("pk"))
        documents = documents.annotate(
            for_comments=Exists(same.ready_for_comments()), to_adopt=Exists(same.ready_to_adopt())
        )
    rows: list[Any] = list(documents)
    has_previous = BlockYear.objects.filter(
        block=block_year.block_id, year__lt=block_year.year
    ).exists()
    return render(
        request,
        "covenants/document_list.html",
        {
            "block_year": block_year,
            "documents": rows,
            "can_run": can_run,
            "has_previous": has_previous,
            "for_comments": sum(1 for d in rows if can_run and d.for_comments),
            "to_adopt": sum(1 for d in rows if can_run and d.to_adopt),
            "kinds": [c for c in Document.Kind.choices if c[0] != Document.Kind.CRITERIA],
        },
    )


@require_http_methods(FORM_METHODS)
def document_create(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "covenants.run_documents", block_year)
    kind = request.GET.get("kind", Document.Kind.OTHER)
    if kind not in Document.Kind.values or kind == Document.Kind.CRITERIA:
        kind = Document.Kind.OTHER
    initial = {"theme": block_year.theme, "title": f"{Document.Kind(kind).label} {block_year.year}"}
    form = DocumentCreateForm(post_data(request), kind=kind, initial=initial)
    document = run_form(
        request,
        form,
        lambda data: services.create_document(block_year, by=request.user, kind=kind, **data),
        _("The document was created as a draft."),
    )
    if document:
        return redirect(document)
    return _form_page(
        request,
        form,
        title=_("New document: %(kind)s") % {"kind": Document.Kind(kind).label},
        cancel_link=block_year.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def documents_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "covenants.run_documents", block_year)
    if request.method == "POST":
        try:
            copied = services.copy_last_years_documents(block_year, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(count)d documents were copied from last year as drafts.")
                % {"count": len(copied)},
            )
        return redirect("covenants:document_list", block_year.pk)
    return render(
        request,
        "emulation/confirm.html",
        {
            "title": _("Start from last year's documents?"),
            "message": _(
                "Each document of last year (rules, plan, covenant and others) is copied into %(year)s"
                " as a draft with last year's text, to revise and adopt again."
            )
            % {"year": block_year.year},
            "confirm_label": _("Copy last year's documents"),
            "cancel_link": block_year.get_absolute_url(),
            "no_reason": True,
        },
    )


def _documents_in_one_go(
    request: AuthedRequest,
    pk: int,
    *,
    ready: Callable[[DocumentQuerySet], DocumentQuerySet],
    action: Callable[[list[Document], dict[str, Any]], list[Document]],
    done: Callable[[int], str],
    form: DateForm | None = None,
    **context: Any,
) -> HttpResponse:
    """GET lists the documents and what will happen to them; POST does it to exactly the
    documents listed (their ids come back with the form), all or none, through one service."""
    block_year = _block_year(request, pk)
    _require(request, "covenants.run_documents", block_year)
    back = reverse("covenants:document_list", args=[block_year.pk])
    if request.method == "POST":
        chosen = list(block_year.documents.filter(pk__in=posted_ids(request, "item")))
        if not chosen:
            messages.error(request, context["empty"])
            return redirect(back)
        if form is None or form.is_valid():
            data = form.cleaned_data if form else {}
            act_in_one_go(request, lambda: action(chosen, data), done)
            return redirect(back)
    return render(
        request,
        "covenants/documents_confirm_bulk.html",
        {
            "block_year": block_year,
            "items": list(
                ready(Document.objects.filter(block_year=block_year)).order_by("kind", "pk")
            ),
            "form": form,
            "cancel_link": back,
            **context,
        },
    )


@require_http_methods(FORM_METHODS)
def documents_consult(request: AuthedRequest, pk: int) -> HttpResponse:
    form = DateForm(
        post_data(request),
        name="until",
        label=_("Comments until"),
        initial={"until": timezone.localdate() + datetime.timedelta(days=14)},
    )
    return _documents_in_one_go(
        request,
        pk,
        ready=lambda documents: documents.ready_for_comments(),
        action=lambda chosen, data: services.open_consultations(
            chosen, by=request.user, until=data["until"]
        ),
        done=lambda n: (
            ngettext(
                "%(n)d document is open for comments; the member units were told by e-mail.",
                "%(n)d documents are open for comments; the member units were told by e-mail.",
                n,
            )
            % {"n": n}
        ),
        form=form,
        title=_("Open the drafts for comments"),
        message=_(
            "Leaders and officers of every member unit can comment on the latest version of each"
            " of these drafts until the same date."
        ),
        empty=_("No draft is waiting to be opened for comments."),
        confirm_label=_("Put out for comments"),
    )


@require_http_methods(FORM_METHODS)
def documents_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    return _documents_in_one_go(
        request,
        pk,
        ready=lambda documents: documents.ready_to_adopt(),
        action=lambda chosen, data: services.adopt_documents(chosen, by=request.user),
        done=lambda n: (
            ngettext(
                "%(n)d document was adopted; its text is now frozen.",
                "%(n)d documents were adopted; their texts are now frozen.",
                n,
            )
            % {"n": n}
        ),
        title=_("Adopt the documents"),
        message=_(
            "Every comment on these documents has been answered. The latest version of each"
            " becomes its adopted text and can no longer be changed."
        ),
        empty=_("No document is waiting to be adopted with every comment answered."),
        confirm_label=_("Adopt"),
    )


@require_safe
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    versions = list(
        document.versions.select_related("created_by").prefetch_related(
            Prefetch(
                "comments", queryset=Comment.objects.select_related("unit", "author", "answered_by")
            )
        )
    )
    latest = versions[-1] if versions else None
    progress, departed = (
        services.signing_record(document) if document.is_covenant and latest else ([], [])
    )
    user = request.user
    can_run = user.has_perm("covenants.run_document", document)
    own_units = _own_units(request, document.block_year)
    return render(
        request,
        "covenants/document_detail.html",
        {
            "document": document,
            "block_year": document.block_year,
            "versions": versions,
            "latest": latest,
            "can_run": can_run,
            "can_comment": services.is_open_for_comments(document) and own_units.exists(),
            "can_sign": document.status == Document.Status.SIGNING
            and rules.has_perm("covenants.sign", request.user, document),
            "issued": _issued_for(document),
            "progress": progress,
            "departed": departed,
        },
    )


def _issued_for(document: Document) -> IssuedDocument | None:
    if document.in_force_version_id is None:
        return None
    return (
        IssuedDocument.objects.filter(
            subject_type=DocumentVersion._meta.label_lower,
            subject_id=str(document.in_force_version_id),
        )
        .order_by("-issued_at")
        .first()
    )


@require_http_methods(FORM_METHODS)
def document_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    if document.kind == Document.Kind.CRITERIA:
        # The criteria table is edited as a table; its text here is written from it.
        raise PermissionDenied
    latest = services.latest_version(document)
    initial = (
        {name: getattr(latest, name) for name in DocumentVersion.CONTENT_FIELDS} if latest else {}
    )
    form = RevisionForm(post_data(request), kind=document.kind, initial=initial)
    version = run_form(
        request,
        form,
        lambda data: services.revise_document(document, by=request.user, **data),
        _("A new version was saved."),
    )
    if version:
        return redirect(document)
    intro = ""
    if document.status in (Document.Status.SIGNING, Document.Status.IN_FORCE):
        intro = _(
            "The new version must be adopted and signed again; signatures stay with the earlier version."
        )
    elif document.status != Document.Status.DRAFT:
        intro = _("Saving a new version returns the document to draft.")
    return _form_page(
        request,
        form,
        title=_("New version of %(title)s") % {"title": document.title},
        intro=intro,
        cancel=document,
    )


@require_safe
def document_diff(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    versions = {v.number: v for v in document.versions.all()}
    if not versions:
        raise Http404
    newest = max(versions)
    try:
        new = versions[int(request.GET.get("new", newest))]
        old = versions[int(request.GET.get("old", max(new.number - 1, 1)))]
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    fields = [
        name for name in DocumentVersion.CONTENT_FIELDS if getattr(old, name) or getattr(new, name)
    ]
    labels = {name: str(DocumentVersion._meta.get_field(name).verbose_name) for name in fields}  # type: ignore[union-attr]
    return render(
        request,
        "covenants/document_diff.html",
        {
            "document": document,
            "old": old,
            "new": new,
            "numbers": sorted(versions),
            "parts": [
                (labels[name], _line_diff(getattr(old, name), getattr(new, name)))
                for name in fields
            ],
        },
    )


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines tagged "same", "removed" or "added", in reading order."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [("same", line) for line in a[i1:i2]]
        else:
            lines += [("removed", line) for line in a[i1:i2]]
            lines += [("added", line) for line in b[j1:j2]]
    return lines


@require_http_methods(FORM_METHODS)
def document_consult(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    form = DateForm(
        post_data(request),
        name="until",
        label=_("Comments until"),
        initial={"until": timezone.localdate() + datetime.timedelta(days=14)},
    )
    done = run_form(
        request,
        form,
        lambda data: services.open_consultation(document, by=request.user, until=data["until"]),
        _("The document is open for comments; the member units were told by e-mail."),
    )
    if done:
        return redirect(document)
    return _form_page(
        request,
        form,
        title=_("Open %(title)s for comments") % {"title": document.title},
        intro=_(
            "Leaders and officers of every member unit can comment on the latest version until this date."
        ),
        cancel=document,
        submit_label=_("Put out for comments"),
    )


@require_http_methods(FORM_METHODS)
def document_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    if request.method == "POST":
        try:
            services.adopt_document(document, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document was adopted; its text is now frozen."))
        return redirect(document)
    return render(
        request,
        "emulation/confirm.html",
        {
            "title": _("Adopt %(title)s?") % {"title": document.title},
            "message": _(
                "The latest version becomes the adopted text and can no longer be changed; a later"
                " change is a new version that goes through adoption again."
            ),
            "confirm_label": _("Adopt"),
            "cancel": document,
            "no_reason": True,
        },
    )


@require_http_methods(FORM_METHODS)
def comment_create(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    require_for_unit(request, "covenants.comment", document)
    form = CommentForm(post_data(request), units=_own_units(request, document.block_year))
    done = run_form(
        request,
        form,
        lambda data: services.add_comment(
            document, data["unit"], by=request.user, text=data["text"]
        ),
        _("Your comment was sent to the secretariat."),
    )
    if done:
        return redirect(document)
    return _form_page(
        request, form, title=_("Comment on %(title)s") % {"title": document.title}, cancel=document
    )


@require_http_methods(FORM_METHODS)
def comment_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.filter(
            version__document__block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("version__document__block_year", "unit"),
        pk=pk,
    )
    document = comment.version.document
    _require(request, "covenants.run_document", document)
    form = AnswerForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.answer_comment(
            comment, by=request.user, answer=data["answer"], text=data["text"]
        ),
        _("The answer was saved."),
    )
    if done:
        return redirect(document)
    return _form_page(
        request,
        form,
        title=_("Answer the comment of %(unit)s") % {"unit": comment.unit},
        intro=comment.text,
        cancel=document,
    )


# Registration of targets -------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def registration_list(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    registrations = {
        r.unit_id: r
        for r in Registration.objects.filter(block_year=block_year).select_related("registered_by")
    }
    rows = [
        (m, registrations.get(m.unit_id))
        for m in services.current_members(block_year).order_by("position")
    ]
    can_copy = request.user.has_perm("covenants.run_documents", block_year)
    if request.method == "POST":
        _require(request, "covenants.run_documents", block_year)
        try:
            copied = services.copy_last_year_registrations(block_year, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d registration was copied from last year as a draft.",
                    "%(n)d registrations were copied from last year as drafts.",
                    len(copied),
                )
                % {"n": len(copied)},
            )
        return redirect("covenants:registration_list", block_year.pk)
    return render(
        request,
        "covenants/registration_list.html",
        {
            "block_year": block_year,
            "rows": rows,
            "registered": sum(
                r.status != Registration.Status.DRAFT for r in registrations.values()
            ),
            "own_units": list(_own_units(request, block_year)),
            "can_copy": can_copy and len(registrations) < len(rows),
        },
    )


@require_http_methods(FORM_METHODS)
def registration_edit(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    unit = get_object_or_404(_own_units(request, block_year), pk=unit_pk)
    require_for_unit(request, "covenants.register", block_year)
    # This year's registration, or else last year's as a start.
    existing = Registration.objects.filter(
        block_year=block_year, unit=unit
    ).first() or services.last_year_registration(block_year, unit)
    initial = {"targets": existing.targets, "aims": existing.aims} if existing else {}
    form = RegistrationForm(post_data(request), initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.register_targets(block_year, unit, by=request.user, **data),
        _("The registration of %(unit)s was saved.") % {"unit": unit},
    )
    if done:
        return redirect("covenants:registration_list", block_year.pk)
    return _form_page(
        request,
        form,
        title=_("Registration of targets of %(unit)s for %(year)s")
        % {"unit": unit, "year": block_year.year},
        cancel_link=block_year.get_absolute_url(),
    )


# Signing -----------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def signing_open(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    form = DateForm(
        post_data(request),
        name="deadline",
        label=_("Signing deadline"),
        initial={"deadline": document.block_year.coming_deadline("signing_deadline")},
    )
    done = run_form(
        request,
        form,
        lambda data: services.open_signing(document, by=request.user, deadline=data["deadline"]),
        _("The covenant is open for signing; the unit leaders were told by e-mail."),
    )
    if done:
        return redirect("covenants:signing_progress", document.pk)
    return _form_page(
        request,
        form,
        title=_("Open %(title)s for signing") % {"title": document.title},
        intro=_("Each unit's leader signs online for their own unit until the deadline."),
        cancel=document,
        submit_label=_("Open the signing"),
    )


@require_http_methods(FORM_METHODS)
def covenant_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    require_for_unit(request, "covenants.sign", document)
    units = _own_units(request, document.block_year, UnitRole.Role.LEADER)
    version = services.latest_version(document)
    signed = list(
        Signature.objects.filter(version=version, unit__in=units)
        .select_related("unit")
        .order_by("unit__name")
        if version
        else []
    )
    needs_code = otp.has_device(request.user)
    form = SignForm(post_data(request), units=units, needs_code=needs_code)
    # A unit signs once (the service refuses a second signature): the form, shown only while one
    # of the person's units has not signed, starts on such a unit.
    signed_units = {s.unit_id for s in signed}
    unsigned = sorted(
        unit_id
        for unit_id in request.roles.led_member_units_of(document.block_year_id)
        if unit_id not in signed_units
    )
    if unsigned:
        form.fields["unit"].initial = unsigned[0]
    signature = run_form(
        request,
        form,
        lambda data: services.sign_covenant(
            document,
            data["unit"],
            by=request.user,
            password=data["password"],
            code=data.get("code", ""),
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            request=request,
        ),
        _("You signed the covenant. Thank you."),
    )
    if signature:
        return redirect("covenants:signing_progress", document.pk)
    return render(
        request,
        "covenants/covenant_sign.html",
        {
            "document": document,
            "block_year": document.block_year,
            "version": version,
            "form": form,
            "signed": signed,
            "needs_code": needs_code,
            "open": document.status == Document.Status.SIGNING,
            "all_signed": not unsigned,
        },
    )


@require_safe
def signing_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if not document.is_covenant:
        raise Http404
    version = (
        document.in_force_version
        if document.status == Document.Status.IN_FORCE
        else services.latest_version(document)
    )
    progress, departed = services.signing_record(document, version)
    signed = sum(1 for _m, signature in progress if signature is not None)
    unsigned = len(progress) - signed
    context = {
        "document": document,
        "block_year": document.block_year,
        "version": version,
        "progress": progress,
        "departed": departed,
        "signed": signed,
        "total": len(progress),
        "unsigned": unsigned,
        "can_run": request.user.has_perm("covenants.run_document", document),
        "can_sign": document.status == Document.Status.SIGNING
        and rules.has_perm("covenants.sign", request.user, document),
        "issued": _issued_for(document),
    }
    template = (
        "covenants/_signing_progress.html" if request.htmx else "covenants/signing_progress.html"
    )
    return render(request, template, context)


@require_http_methods(FORM_METHODS)
def signing_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    progress = reverse("covenants:signing_progress", args=[document.pk])
    if request.method == "POST":
        try:
            reminded = services.remind_unsigned_units(document, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The leader of %(n)d unit was reminded by e-mail to sign.",
                    "The leaders of %(n)d units were reminded by e-mail to sign.",
                    len(reminded),
                )
                % {"n": len(reminded)},
            )
        return redirect(progress)
    units = services.unsigned_units(document)
    return render(
        request,
        "emulation/confirm.html",
        {
            "title": _("Remind the units that have not signed?"),
            "message": _(
                "The leaders of these units receive an e-mail asking them to sign %(title)s"
                " before the deadline: %(units)s. A unit already reminded today is left out."
            )
            % {"title": document.title, "units": ", ".join(u.name for u in units)},
            "confirm_label": _("Send the reminders"),
            "cancel_link": progress,
            "no_reason": True,
        },
    )


@require_http_methods(FORM_METHODS)
def paper_signature(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _require(request, "covenants.run_document", document)
    version = services.latest_version(document)
    unsigned = Unit.objects.filter(
        memberships__block_year=document.block_year, memberships__left_on__isnull=True
    ).exclude(signatures__version=version)
    form = PaperSignatureForm(post_data(request), request.FILES or None, units=unsigned)
    done = run_form(
        request,
        form,
        lambda data: services.record_paper_signature(
            document, data.pop("unit"), by=request.user, **data
        ),
        _("The paper signature was recorded."),
    )
    if done:
        return redirect("covenants:signing_progress", document.pk)
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": _("Record a signature on paper"),
            "intro": _(
                "For a unit whose leader signed the printed covenant: upload the scanned signed page."
            ),
            "cancel": document,
            "multipart": True,
        },
    )


@require_safe
def covenant_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    document = _document(request, pk)
    issued = _issued_for(document)
    if issued is None:
        raise Http404
    return file_response(issued, filename=f"giao-uoc-{document.block_year.year}-{issued.code}.pdf")


@require_safe
def signature_scan(request: AuthedRequest, pk: int) -> FileResponse:
    signature = get_object_or_404(
        Signature.objects.filter(
            version__document__block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("version__document__block_year"),
        pk=pk,
    )
    _require(request, "covenants.run_document", signature.version.document)
    if not signature.scan:
        raise Http404
    name = (signature.scan.name or "scan").rsplit("/", 1)[-1]
    return private_download(signature.scan, name=name)


# The council gathers the registrations --------------------------------------------------------


@require_http_methods(FORM_METHODS)
def council_registrations(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    """The registrations of the authority's blocks for a year, by the title or award aimed for:
    seen by its council staff and members, approved or returned (in one go) by its staff."""
    council = get_object_or_404(Authority, pk=authority)
    roles = request.roles
    if not (request.user.is_superuser or roles.sits_on(council.pk)):
        raise Http404
    can_review = request.user.is_superuser or roles.staffs(council.pk)
    back = request.get_full_path()
    registrations = Registration.objects.filter(
        block_year__block__authority=council, block_year__year=year
    ).exclude(status=Registration.Status.DRAFT)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        chosen = list(registrations.filter(pk__in=posted_ids(request, "item")))
        if not chosen:
            messages.error(request, _("Tick at least one registration."))
            return redirect(back)
        approve = request.POST.get("action") == "approve"
        act_in_one_go(
            request,
            lambda: services.review_registrations(
                chosen, by=request.user, approve=approve, reason=request.POST.get("reason", "")
            ),
            lambda n: (
                (
                    ngettext(
                        "%(n)d registration was approved.", "%(n)d registrations were approved.", n
                    )
                    if approve
                    else ngettext(
                        "%(n)d registration was returned.", "%(n)d registrations were returned.", n
                    )
                )
                % {"n": n}
            ),
        )
        return redirect(back)
    rows = list(
        registrations.select_related("block_year__block", "unit").order_by(
            "block_year__block__name", "unit__name"
        )
    )
    aims = [
        (code, label, sum(code in r.aims for r in rows)) for code, label in Registration.Aim.choices
    ]
    aim = request.GET.get("aim") or next((code for code, _l, n in aims if n), aims[0][0])
    status = request.GET.get("status", "")
    # One query for every aim's count; the aim chosen is picked here (the aims are a JSON list,
    # which SQLite cannot search inside).
    shown = [r for r in rows if aim in r.aims and (not status or r.status == status)]
    table = RegistrationReviewTable(shown)
    table.can_review = can_review  # boxes to tick only for those who review
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "covenants/council_registrations.html",
        {
            "authority": council,
            "year": year,
            "aims": aims,
            "aim": aim,
            "status": status,
            "statuses": [
                c for c in Registration.Status.choices if c[0] != Registration.Status.DRAFT
            ],
            "table": table,
            "can_review": can_review,
        },
    )
