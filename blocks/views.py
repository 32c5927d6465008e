"""Registry screens. Seeing is scoped by `for_user` (404 outside it); acting needs a permission
from `blocks.rules` (403 when someone can see but not act)."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from blocks import dashboard, services, unit_years
from blocks.filters import BlockFilter, UnitFilter, UnitPersonFilter
from blocks.forms import (
    ActivityForm,
    AuthorityMergeForm,
    BlockForm,
    BlockYearCreateForm,
    BlockYearForm,
    ContributionForm,
    DeadlinesForm,
    LeadershipForm,
    MembershipAddForm,
    MembershipEndForm,
    PersonForm,
    UnitForm,
    UnitMergeForm,
    UnitPersonForm,
    UnitPersonLeftForm,
    UnitRenameForm,
    UnitRoleForm,
    UnitSplitForm,
)
from blocks.models import (
    Authority,
    Block,
    BlockYear,
    Contribution,
    CouncilRole,
    JointActivity,
    Membership,
    Person,
    Succession,
    Unit,
    UnitName,
    UnitRole,
)
from blocks.tables import BlockTable, UnitPersonTable, UnitTable
from emulation.actions import require
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.tables import RequestConfig

PER_PAGE = 25


def _managed_authorities(request: AuthedRequest) -> QuerySet[Authority]:
    if request.user.is_superuser:
        return Authority.objects.all()
    return Authority.objects.filter(
        council_roles__user=request.user, council_roles__role=CouncilRole.Role.STAFF
    )


def _visible_blocks(request: AuthedRequest) -> QuerySet[Block]:
    return Block.objects.for_user(request.user)


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _form_page(request: AuthedRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "emulation/form_page.html", {"form": form, **context})


def _list_page(
    request: AuthedRequest, filterset: Any, table: Any, template: str, **context: Any
) -> HttpResponse:
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {"filter": filterset, "table": table, **context}
    if request.htmx:
        return render(request, "emulation/_table.html", context)
    return render(request, template, context)


# Blocks -------------------------------------------------------------------------------------


@require_safe
def block_list(request: AuthedRequest) -> HttpResponse:
    year = timezone.localdate().year
    this_year = Membership.objects.filter(block_year__block=OuterRef("pk"), block_year__year=year)
    blocks = (
        _visible_blocks(request)
        .select_related("authority")
        .annotate(
            head_name=Subquery(
                this_year.filter(role=Membership.Role.HEAD).values("unit__name")[:1]
            ),
            member_count=Coalesce(
                Subquery(
                    this_year.filter(left_on__isnull=True)
                    .values("block_year")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            # A subquery, like the counts above, not Count("years"): an aggregate grouped every
            # visible block with its years before the page of 25 was cut (docs/performance.md).
            year_count=Coalesce(
                Subquery(
                    BlockYear.objects.filter(block=OuterRef("pk"))
                    .values("block")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
    )
    filterset = BlockFilter(request.GET, queryset=blocks)
    filterset.form.fields["authority"].queryset = Authority.objects.filter(  # type: ignore[attr-defined]
        pk__in=_visible_blocks(request).values("authority")
    )
    return _list_page(
        request,
        filterset,
        BlockTable(filterset.qs),
        "blocks/block_list.html",
        year=year,
        can_create=request.user.has_perm("blocks.create_block"),
    )


@require_safe
def block_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(_visible_blocks(request).select_related("authority"), pk=pk)
    memberships = Membership.objects.select_related("unit").prefetch_related("unit__former_names")
    years = list(block.years.prefetch_related(Prefetch("memberships", queryset=memberships)))
    latest = years[0] if years else None
    return render(
        request,
        "blocks/block_detail.html",
        {
            "the_block": block,  # `block` is taken by the template language
            "years": years,
            "latest": latest,
            "can_manage": request.user.has_perm("blocks.manage_block", block),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def block_create(request: AuthedRequest) -> HttpResponse:
    require(request, "blocks.create_block", None)
    form = BlockForm(post_data(request), authorities=_managed_authorities(request))
    block = run_form(
        request,
        form,
        lambda data: services.create_block(by=request.user, **data),
        _("The block was created."),
    )
    if block:
        return redirect(block)
    return _form_page(request, form, title=_("New block"), cancel_url="blocks:block_list")


@require_http_methods(["GET", "HEAD", "POST"])
def block_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(_visible_blocks(request), pk=pk)
    require(request, "blocks.manage_block", block)
    form = BlockForm(
        post_data(request),
        instance=block,
        authorities=_managed_authorities(request),
    )
    done = run_form(
        request,
        form,
        lambda data: services.update_block(block, by=request.user, **data),
        _("The block was saved."),
    )
    if done:
        return redirect(done)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": block}, cancel=block)


# Block years --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def blockyear_create(request: AuthedRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(_visible_blocks(request), pk=pk)
    require(request, "blocks.manage_block", block)
    latest = block.years.order_by("-year").first()
    initial: dict[str, Any] = {"year": (latest.year + 1) if latest else timezone.localdate().year}
    if latest:
        initial["theme"] = latest.theme
    form = BlockYearCreateForm(post_data(request), initial=initial)
    block_year = run_form(
        request,
        form,
        lambda data: services.create_block_year(block, by=request.user, **data),
        _("The year was opened."),
    )
    if block_year:
        return redirect(block_year)
    return _form_page(
        request, form, title=_("Open a new year of %(name)s") % {"name": block}, cancel=block
    )


@require_safe
def blockyear_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = get_object_or_404(
        BlockYear.objects.filter(block__in=_visible_blocks(request))
        .select_related("block__authority")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("unit").prefetch_related(
                    Prefetch("unit__former_names", queryset=UnitName.objects.all())
                ),
            )
        ),
        pk=pk,
    )
    steps = dashboard.timeline(block_year, request.user)
    other_years = block_year.block.years.values_list("pk", "year")
    can_manage = request.user.has_perm("blocks.manage_blockyear", block_year)
    can_set_deadlines = can_manage or request.user.has_perm("blocks.set_deadlines", block_year)
    return render(
        request,
        "blocks/blockyear_detail.html",
        {
            "block_year": block_year,
            "the_block": block_year.block,
            "steps": steps,
            "done_count": sum(1 for _step, state in steps if state.status == "done"),
            "memberships": block_year.memberships.all(),
            "other_years": list(other_years),
            "can_manage": can_manage,
            "can_set_deadlines": can_set_deadlines,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def blockyear_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    require(request, "blocks.manage_blockyear", block_year)
    form = BlockYearForm(post_data(request), instance=block_year)
    done = run_form(
        request,
        form,
        lambda data: services.update_block_year(block_year, by=request.user, **data),
        _("The year was saved."),
    )
    if done:
        return redirect(done)
    return _form_page(
        request,
        form,
        title=_("Theme and deadlines of %(year)s") % {"year": block_year},
        cancel=block_year,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def blockyear_deadlines(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    require(request, "blocks.set_deadlines", block_year)
    form = DeadlinesForm(post_data(request), instance=block_year)
    done = run_form(
        request,
        form,
        lambda data: services.set_deadlines(block_year, by=request.user, **data),
        _("The deadlines were saved."),
    )
    if done:
        return redirect(done)
    return _form_page(
        request,
        form,
        title=_("Deadlines of %(year)s") % {"year": block_year},
        intro=_(
            "A deadline cannot be moved to a day already past. The covenant open for signing and"
            " the opened self-assessment follow their deadline here; the nomination dossier's"
            " deadline is set by the council."
        ),
        cancel=block_year,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def membership_add(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    require(request, "blocks.manage_blockyear", block_year)
    form = MembershipAddForm(
        post_data(request), block_year=block_year, initial={"joined_on": block_year.first_day}
    )
    done = run_form(
        request,
        form,
        lambda data: services.add_member(block_year, by=request.user, **data),
        _("The unit was added to the block."),
    )
    if done:
        return redirect(block_year)
    return _form_page(
        request, form, title=_("Add a member to %(year)s") % {"year": block_year}, cancel=block_year
    )


@require_http_methods(["GET", "HEAD", "POST"])
def membership_end(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.filter(block_year__block__in=_visible_blocks(request)).select_related(
            "unit", "block_year__block"
        ),
        pk=pk,
    )
    block_year = membership.block_year
    require(request, "blocks.manage_blockyear", block_year)
    form = MembershipEndForm(post_data(request), initial={"left_on": timezone.localdate()})
    done = run_form(
        request,
        form,
        lambda data: services.end_membership(membership, by=request.user, **data),
        _("The unit left the block."),
    )
    if done:
        return redirect(block_year)
    return _form_page(
        request,
        form,
        title=_("%(unit)s leaves %(year)s") % {"unit": membership.unit, "year": block_year},
        intro=_("The unit stays in the year's records with the date it left."),
        cancel=block_year,
        danger=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def blockyear_leadership(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    require(request, "blocks.manage_blockyear", block_year)
    form = LeadershipForm(post_data(request), block_year=block_year)
    done = run_form(
        request,
        form,
        lambda data: services.set_leadership(block_year, by=request.user, **data),
        _("The head and deputies were saved."),
    )
    if done:
        return redirect(block_year)
    return _form_page(
        request,
        form,
        title=_("Head and deputies of %(year)s") % {"year": block_year},
        intro=_("The head unit's leaders and officers run the block's year as its secretariat."),
        cancel=block_year,
    )


# Units --------------------------------------------------------------------------------------


@require_safe
def unit_list(request: AuthedRequest) -> HttpResponse:
    year = timezone.localdate().year
    units = (
        Unit.objects.for_user(request.user)
        .select_related("authority")
        .annotate(
            block_name=Subquery(
                Membership.objects.filter(
                    unit=OuterRef("pk"), block_year__year=year, left_on__isnull=True
                ).values("block_year__block__name")[:1]
            )
        )
    )
    filterset = UnitFilter(request.GET, queryset=units)
    filterset.form.fields["authority"].queryset = Authority.objects.filter(  # type: ignore[attr-defined]
        pk__in=Unit.objects.for_user(request.user).values("authority")
    )
    return _list_page(
        request,
        filterset,
        UnitTable(filterset.qs),
        "blocks/unit_list.html",
        can_create=request.user.has_perm("blocks.create_unit"),
        # The rule of `blocks.merge_authorities`, read without asking every permission backend.
        can_merge_authorities=rules.has_perm("blocks.merge_authorities", request.user),
    )


@require_safe
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(
        Unit.objects.for_user(request.user)
        .select_related("authority")
        .prefetch_related(
            "former_names",
            Prefetch("successions", queryset=_lineage("successor")),
            Prefetch("predecessions", queryset=_lineage("predecessor")),
            Prefetch("roles", queryset=UnitRole.objects.select_related("user")),
        ),
        pk=pk,
    )
    can_manage = request.user.has_perm("blocks.manage_unit", unit)
    # Its years and those of the units it continues (merged or split into it), newest first,
    # with each year's published rank, for the years the person may see.
    lineage = Unit.objects.lineage_of(unit)
    memberships = (
        Membership.objects.filter(unit__in=lineage)
        .select_related("block_year__block", "unit")
        .order_by("-block_year__year", "unit__name")
    )
    results = unit_years.year_results(
        lineage, BlockYear.objects.for_user(request.user).filter(memberships__unit__in=lineage)
    )
    return render(
        request,
        "blocks/unit_detail.html",
        {
            "unit": unit,
            "years": [(m, results.get(m.block_year_id)) for m in memberships],
            "ranked": bool(results),
            "can_manage": can_manage,
            "roles": unit.roles.all() if can_manage or _is_own_unit(request, unit) else [],
            "can_see_people": request.user.has_perm("blocks.manage_people", unit),
        },
    )


def _lineage(other: str) -> QuerySet[Any]:
    return Succession.objects.select_related(other)


def _is_own_unit(request: AuthedRequest, unit: Unit) -> bool:
    return any(role.user_id == request.user.pk for role in unit.roles.all())


@require_http_methods(["GET", "HEAD", "POST"])
def unit_create(request: AuthedRequest) -> HttpResponse:
    require(request, "blocks.create_unit", None)
    form = UnitForm(post_data(request), authorities=_managed_authorities(request))
    unit = run_form(
        request,
        form,
        lambda data: services.create_unit(by=request.user, **data),
        _("The unit was created."),
    )
    if unit:
        return redirect(unit)
    return _form_page(request, form, title=_("New unit"), cancel_url="blocks:unit_list")


def _managed_unit(request: AuthedRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("authority"), pk=pk)
    require(request, "blocks.manage_unit", unit)
    return unit


@require_http_methods(["GET", "HEAD", "POST"])
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitForm(
        post_data(request),
        instance=unit,
        authorities=_managed_authorities(request),
    )
    done = run_form(
        request,
        form,
        lambda data: services.update_unit(unit, by=request.user, **data),
        _("The unit was saved."),
    )
    if done:
        return redirect(done)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": unit},
        intro=_(
            "To record a real change of name, use “Rename” so that past records keep the old name."
        ),
        cancel=unit,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitRenameForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.rename_unit(unit, by=request.user, **data),
        _("The unit was renamed."),
    )
    if done:
        return redirect(done)
    return _form_page(
        request,
        form,
        title=_("Rename %(name)s") % {"name": unit},
        intro=_("Records before the effective date keep the current name."),
        cancel=unit,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitMergeForm(post_data(request), unit=unit, authorities=_managed_authorities(request))

    def merge(data: dict[str, Any]) -> Unit:
        return services.merge_units(
            [unit, *data["others"]],
            by=request.user,
            into=data["into"],
            name=data["name"],
            short_name=data["short_name"],
            authority=data["authority"],
            effective_date=data["effective_date"],
            reason=data["reason"],
        )

    successor = run_form(request, form, merge, _("The units were merged."))
    if successor:
        return redirect(successor)
    return _form_page(
        request,
        form,
        title=_("Merge %(name)s") % {"name": unit},
        intro=_(
            "The merged units cease the day before the effective date; the successor takes their"
            " places in their blocks."
        ),
        cancel=unit,
        danger=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def authority_merge(request: AuthedRequest) -> HttpResponse:
    """The site administrator records a merger of authorities (provinces merged in 2025)."""
    require(request, "blocks.merge_authorities", None)
    form = AuthorityMergeForm(post_data(request))

    def merge(data: dict[str, Any]) -> Authority:
        return services.merge_authorities(data.pop("authority"), by=request.user, **data)

    if run_form(request, form, merge, _("The authorities were merged.")):
        return redirect("blocks:unit_list")
    return _form_page(
        request,
        form,
        title=_("Merge authorities"),
        intro=_(
            "The merged authority ceases the day before the effective date. Its active units and"
            " its blocks go on under the authority that continues it, with their history; its"
            " councils, sessions and decisions stay its own."
        ),
        cancel_url="blocks:unit_list",
        danger=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_split(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitSplitForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.split_unit(unit, by=request.user, **data),
        _("The unit was split."),
    )
    if done:
        return redirect(unit)
    return _form_page(
        request,
        form,
        title=_("Split %(name)s") % {"name": unit},
        intro=_(
            "The unit ceases the day before the effective date. Add the new units to the blocks"
            " that fit their functions."
        ),
        cancel=unit,
        danger=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unitrole_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitRoleForm(post_data(request), by=request.user)
    done = run_form(
        request,
        form,
        lambda data: services.assign_unit_role(
            unit, data["username"], by=request.user, role=data["role"], title=data["title"]
        ),
        _("The role was assigned."),
    )
    if done:
        return redirect(unit)
    return _form_page(
        request,
        form,
        title=_("Assign a person to %(name)s") % {"name": unit},
        cancel=unit,
        extra_link=("blocks:person_create", _("Create a new account")),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unitrole_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    unit_role = get_object_or_404(
        UnitRole.objects.filter(unit__in=Unit.objects.for_user(request.user)).select_related(
            "unit__authority", "user"
        ),
        pk=pk,
    )
    unit = unit_role.unit
    require(request, "blocks.manage_unit", unit)
    if request.method == "POST":
        services.remove_unit_role(
            unit_role, by=request.user, reason=request.POST.get("reason", "")[:1000]
        )
        messages.success(request, _("The role was removed."))
        return redirect(unit)
    return render(
        request,
        "emulation/confirm.html",
        {
            "title": _("Remove %(person)s from %(unit)s?")
            % {"person": unit_role.user, "unit": unit},
            "message": _("%(person)s will no longer act as %(role)s of %(unit)s.")
            % {"person": unit_role.user, "role": unit_role.get_role_display(), "unit": unit},
            "confirm_label": _("Remove the role"),
            "cancel": unit,
            "danger": True,
        },
    )


# The people of a unit (records, not accounts) ---------------------------------------------------


def _people_unit(request: AuthedRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("authority"), pk=pk)
    require(request, "blocks.manage_people", unit)
    return unit


def _unit_person(request: AuthedRequest, pk: int) -> Person:
    person = get_object_or_404(
        Person.objects.filter(unit__in=Unit.objects.for_user(request.user)).select_related(
            "unit__authority"
        ),
        pk=pk,
    )
    require(request, "blocks.manage_people", person.unit)
    return person


@require_safe
def unit_people(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _people_unit(request, pk)
    filterset = UnitPersonFilter(request.GET, queryset=unit.people.all())
    return _list_page(
        request,
        filterset,
        UnitPersonTable(filterset.qs),
        "blocks/unit_people.html",
        unit=unit,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_person_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _people_unit(request, pk)
    form = UnitPersonForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.add_person(unit, by=request.user, **data),
        _("The person was recorded."),
    )
    if done:
        return redirect("blocks:unit_people", unit.pk)
    return _form_page(
        request,
        form,
        title=_("A person working at %(unit)s") % {"unit": unit},
        intro=_(
            "A record of the unit, not an account: the unit may propose the person for an award"
            " to an individual."
        ),
        cancel_link=reverse("blocks:unit_people", args=[unit.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _unit_person(request, pk)
    form = UnitPersonForm(post_data(request), instance=person)
    done = run_form(
        request,
        form,
        lambda data: services.update_person(person, by=request.user, **data),
        _("The person's record was saved."),
    )
    if done:
        return redirect("blocks:unit_people", person.unit_id)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": person},
        cancel_link=reverse("blocks:unit_people", args=[person.unit_id]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_person_left(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _unit_person(request, pk)
    form = UnitPersonLeftForm(post_data(request), initial={"left_on": timezone.localdate()})
    done = run_form(
        request,
        form,
        lambda data: services.mark_person_left(
            person, by=request.user, day=data["left_on"], reason=data["reason"]
        ),
        _("The person is recorded as having left the unit."),
    )
    if done:
        return redirect("blocks:unit_people", person.unit_id)
    return _form_page(
        request,
        form,
        title=_("%(name)s left %(unit)s") % {"name": person, "unit": person.unit},
        intro=_(
            "The record stays, with what was proposed for the person; the unit can no longer"
            " propose them."
        ),
        cancel_link=reverse("blocks:unit_people", args=[person.unit_id]),
        submit_label=_("Record that the person left"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    require(request, "blocks.create_unit", None)
    form = PersonForm(post_data(request))
    person = run_form(
        request,
        form,
        lambda data: services.create_person(
            by=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password1"],
        ),
        _("The account was created. Give the person their username and password in person."),
    )
    if person:
        return redirect("blocks:unit_list")
    return _form_page(request, form, title=_("New account"), cancel_url="blocks:unit_list")


# Joint activities ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    require(request, "blocks.run_activities", block_year)
    form = ActivityForm(post_data(request))
    activity = run_form(
        request,
        form,
        lambda data: services.create_activity(block_year, by=request.user, **data),
        _("The activity was recorded."),
    )
    if activity:
        return redirect(activity)
    return _form_page(
        request,
        form,
        title=_("New joint activity of %(year)s") % {"year": block_year},
        cancel=block_year,
    )


def _activity(request: AuthedRequest, pk: int) -> JointActivity:
    return get_object_or_404(
        JointActivity.objects.filter(block_year__block__in=_visible_blocks(request)).select_related(
            "block_year__block__authority"
        ),
        pk=pk,
    )


@require_safe
def activity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    totals = JointActivity.objects.with_totals().get(pk=activity.pk)
    contributions = Contribution.objects.filter(activity=activity).select_related("unit")
    return render(
        request,
        "blocks/activity_detail.html",
        {
            "activity": activity,
            "block_year": activity.block_year,
            "totals": totals,
            "contributions": contributions,
            "can_run": request.user.has_perm("blocks.run_activities", activity.block_year),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    require(request, "blocks.run_activities", activity.block_year)
    form = ActivityForm(post_data(request), instance=activity)
    done = run_form(
        request,
        form,
        lambda data: services.update_activity(activity, by=request.user, **data),
        _("The activity was saved."),
    )
    if done:
        return redirect(done)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": activity}, cancel=activity)


@require_http_methods(["GET", "HEAD", "POST"])
def contribution_record(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    require(request, "blocks.run_activities", activity.block_year)
    initial_unit = request.GET.get("unit")
    existing = None
    if initial_unit and initial_unit.isdigit() and int(initial_unit) < 2**63:
        existing = Contribution.objects.filter(activity=activity, unit_id=int(initial_unit)).first()
    form = ContributionForm(post_data(request), instance=existing, activity=activity)
    done = run_form(
        request,
        form,
        lambda data: services.record_contribution(
            activity,
            data["unit"],
            by=request.user,
            **{k: data[k] for k in services.CONTRIBUTION_FIELDS},
        ),
        _("The contribution was recorded."),
    )
    if done:
        return redirect(activity)
    return _form_page(
        request,
        form,
        title=_("Contribution to %(name)s") % {"name": activity},
        intro=_("Recording a unit again corrects its earlier figures."),
        cancel=activity,
    )
