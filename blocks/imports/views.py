"""Import screens: upload a file, see its preview (every row, every problem by line), confirm or
discard it; download the templates; and the page where an invited person sets their password.

Only council staff import, for their own authority (deny by default: `blocks.import_registry`);
a staged import of another authority is not found (404).
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blocks.imports import blank, invitations, services, staging
from blocks.imports.plan import CHANGED, CREATED, UNCHANGED
from blocks.imports.read import MAX_FILE_BYTES, SHEET_BY_KIND, SHEETS
from blocks.models import Authority, CouncilRole, StagedImport, UnitRole
from emulation import audit
from emulation.actions import require
from emulation.bulk import act_in_one_go, posted_ids
from emulation.errors import DomainError
from emulation.forms import Form, post_data
from emulation.http import AuthedRequest
from emulation.models import User
from emulation.tables import RequestConfig

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTION_LABELS = {
    CREATED: gettext_lazy("New"),
    CHANGED: gettext_lazy("Changed"),
    UNCHANGED: gettext_lazy("Unchanged"),
}
SESSION_TOKEN = "_invitation_token"
SET_PASSWORD = "set-password"


def _authorities(request: AuthedRequest) -> QuerySet[Authority]:
    if request.user.is_superuser:
        return Authority.objects.all()
    return Authority.objects.filter(
        council_roles__user=request.user, council_roles__role=CouncilRole.Role.STAFF
    ).distinct()


def _staged(request: AuthedRequest, pk: int) -> StagedImport:
    staged = get_object_or_404(
        StagedImport.objects.select_related("authority", "uploaded_by"), pk=pk
    )
    if not request.user.has_perm("blocks.import_registry", staged.authority):
        raise Http404
    return staged


class ImportForm(Form):
    authority = forms.ModelChoiceField(
        label=gettext_lazy("Authority"), queryset=Authority.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) made from the template, or a CSV file of one of its"
            " sheets; at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]


class ConfirmForm(Form):
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)


class ProblemTable(tables.Table):
    sheet = tables.Column(verbose_name=gettext_lazy("Sheet"), orderable=False)
    line = tables.Column(verbose_name=gettext_lazy("Line"), orderable=False, default="—")
    column = tables.Column(verbose_name=gettext_lazy("Column"), orderable=False, default="—")
    message = tables.Column(verbose_name=gettext_lazy("Problem"), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm import-problems"}
        prefix = "p-"
        empty_text = gettext_lazy("No problem found.")


class RowTable(tables.Table):
    sheet = tables.Column(verbose_name=gettext_lazy("Sheet"), orderable=False)
    line = tables.Column(verbose_name=gettext_lazy("Line"), orderable=False)
    key = tables.Column(verbose_name=gettext_lazy("Code"), orderable=False)
    name = tables.Column(verbose_name=gettext_lazy("Name or role"), orderable=False)
    action = tables.Column(verbose_name=gettext_lazy("Will be"), orderable=False)
    details = tables.Column(verbose_name=gettext_lazy("Details"), orderable=False, default="")

    class Meta:
        attrs = {"class": "table table-sm import-rows"}
        prefix = "r-"
        empty_text = gettext_lazy("The file has no rows to import.")

    def render_action(self, value: str) -> str:
        return str(ACTION_LABELS.get(value, value))


@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request: AuthedRequest) -> HttpResponse:
    authorities = _authorities(request)
    if not authorities.exists():
        raise PermissionDenied
    form = ImportForm(post_data(request), request.FILES or None, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        authority = form.cleaned_data["authority"]
        require(request, "blocks.import_registry", authority)
        upload = form.cleaned_data["file"]
        if (upload.size or 0) > MAX_FILE_BYTES:
            form.add_error("file", _("The file is too large; the limit is 5 MB."))
        else:
            try:
                staged = staging.stage_import(
                    authority,
                    by=request.user,
                    name=upload.name or "import.xlsx",
                    content=upload.read(MAX_FILE_BYTES + 1),
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                return redirect("blocks:import_preview", staged.pk)
    recent = StagedImport.objects.filter(authority__in=authorities).select_related(
        "authority", "uploaded_by"
    )[:10]
    csv_templates = [(sheet.kind, sheet.title) for sheet in SHEETS]
    return render(
        request,
        "blocks/imports/import_start.html",
        {"form": form, "recent": recent, "csv_templates": csv_templates},
    )


@require_safe
def import_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    staged = _staged(request, pk)
    plan = None
    unreadable = ""
    if staged.status == StagedImport.Status.STAGED:
        try:
            plan = staging.plan_of(staged, by=request.user)
        except staging.Unreadable as error:
            unreadable = error.message
    problems = ProblemTable(
        [
            {"sheet": p.sheet, "line": p.line, "column": p.column, "message": p.message}
            for p in (plan.problems if plan else [])
        ]
    )
    rows = RowTable([vars(row) for row in (plan.rows if plan else [])])
    RequestConfig(request, paginate={"per_page": 100}).configure(problems)
    RequestConfig(request, paginate={"per_page": 100}).configure(rows)
    return render(
        request,
        "blocks/imports/import_preview.html",
        {
            "staged": staged,
            "plan": plan,
            "counts": plan.counts() if plan else staged.summary,
            "problems": problems,
            "rows": rows,
            "unreadable": unreadable,
            "confirm_form": ConfirmForm(initial={"sha256": staged.sha256}),
        },
    )


@require_POST
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    staged = _staged(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The file is not the one previewed. Upload it again."))
        return redirect("blocks:import_preview", staged.pk)
    try:
        counts = staging.confirm_import(staged, by=request.user, sha256=form.cleaned_data["sha256"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("blocks:import_preview", staged.pk)
    messages.success(
        request,
        _("Imported: %(created)d created, %(changed)d changed, %(unchanged)d unchanged.") % counts,
    )
    return redirect("blocks:import_preview", staged.pk)


@require_POST
def import_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    staged = _staged(request, pk)
    try:
        staging.discard_import(staged, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("blocks:import_preview", staged.pk)
    messages.success(request, _("The import was discarded; nothing was saved."))
    return redirect("blocks:import_start")


def _may_import(request: AuthedRequest) -> None:
    if not _authorities(request).exists():
        raise PermissionDenied


@require_safe
def import_template_xlsx(request: AuthedRequest) -> HttpResponse:
    _may_import(request)
    response = HttpResponse(blank.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def import_template_csv(request: AuthedRequest, kind: str) -> HttpResponse:
    _may_import(request)
    sheet = SHEET_BY_KIND.get(kind)
    if sheet is None:
        raise Http404
    response = HttpResponse(blank.template_csv(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Invitations not yet taken up ----------------------------------------------------------------


class InvitationTable(tables.Table):
    item = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "input": {"name": "item", "class": "form-check-input"},
            "th__input": {"class": "form-check-input", "aria-label": gettext_lazy("All")},
        },
    )
    full_name = tables.Column(verbose_name=gettext_lazy("Full name"))
    username = tables.Column(verbose_name=gettext_lazy("Username"))
    email = tables.Column(verbose_name=gettext_lazy("E-mail"), default="—")
    roles = tables.Column(
        verbose_name=gettext_lazy("Units and roles"), accessor="pk", orderable=False
    )
    date_joined = tables.DateColumn(verbose_name=gettext_lazy("Invited on"), format="d/m/Y")

    class Meta:
        attrs = {"class": "table table-sm align-middle", "id": "invitations"}
        prefix = "i-"
        order_by = "full_name"
        empty_text = gettext_lazy("Everyone invited has set a password.")

    def render_roles(self, record: User) -> str:
        held = [f"{r.get_role_display()} – {r.unit.short_name}" for r in record.unit_roles.all()]
        held += [
            f"{r.get_role_display()} – {r.authority.short_name}" for r in record.council_roles.all()
        ]
        return "; ".join(held) or "—"


@require_http_methods(["GET", "HEAD", "POST"])
def invitations_waiting(request: AuthedRequest) -> HttpResponse:
    """The people of an authority who have not set their password yet, with the link sent again
    to those chosen (all or none, through `invitations.resend_invitations`)."""
    authorities = _authorities(request)
    if not authorities.exists():
        raise PermissionDenied
    chosen = request.GET.get("authority", "")
    authority = (
        authorities.filter(pk=int(chosen)).first()
        if chosen.isdigit() and len(chosen) < 10
        else None
    ) or authorities.order_by("name").first()
    assert authority is not None
    require(request, "blocks.import_registry", authority)
    people = invitations.waiting(authority)
    if request.method == "POST":
        picked = list(people.filter(pk__in=posted_ids(request, "item")))
        act_in_one_go(
            request,
            lambda: invitations.resend_invitations(authority, picked, by=request.user),
            lambda n: (
                ngettext(
                    "The link was sent again to %(n)d person.",
                    "The link was sent again to %(n)d people.",
                    n,
                )
                % {"n": n}
            ),
        )
        return redirect(f"{reverse('blocks:invitations_waiting')}?authority={authority.pk}")
    table = InvitationTable(
        people.prefetch_related(
            Prefetch("unit_roles", queryset=UnitRole.objects.select_related("unit")),
            Prefetch("council_roles", queryset=CouncilRole.objects.select_related("authority")),
        )
    )
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "blocks/imports/invitations.html",
        {
            "table": table,
            "authority": authority,
            "authorities": authorities.order_by("name") if authorities.count() > 1 else [],
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


# The invited person sets a password ------------------------------------------------------------


def _invited(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """As Django's password reset: the token is moved into the session and the address is
    replaced by one without it, so that it does not leak through the Referer header; the form
    sets the first password and the link stops working."""
    person = _invited(uidb64)
    if person is not None and token != SET_PASSWORD:
        if services.invitation_tokens.check_token(person, token):
            request.session[SESSION_TOKEN] = token
            return redirect("blocks:invitation_accept", uidb64, SET_PASSWORD)
        person = None
    elif person is not None:
        saved = request.session.get(SESSION_TOKEN, "")
        if not services.invitation_tokens.check_token(person, saved):
            person = None
    if person is None:
        return render(request, "blocks/imports/invitation_invalid.html", status=404)
    form = SetPasswordForm(person, request.POST if request.method == "POST" else None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session.pop(SESSION_TOKEN, None)
        audit.record("accounts.password_set", actor=person, obj=person, reason="invitation")
        messages.success(request, _("Your password is set. Sign in with your username."))
        return redirect("login")
    return render(
        request,
        "blocks/imports/invitation_accept.html",
        {
            "form": form,
            "person": person,
            "help": password_validation.password_validators_help_texts(),
        },
    )
