"""People proposed by their units for an award to an individual.

A year's proposals are seen by whoever may see the year (`BlockYear.objects.for_user`; 404
otherwise): the secretariat and council staff see them all, a member unit's people its own. A
unit's leader or officer proposes its people and withdraws them (`awards.propose_people`; the
service refuses anyone else, and after the block's ballot on the award is prepared).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from awards import catalogue
from awards.forms.proposals import ProposalForm, WithdrawForm
from awards.models import AwardType, Ballot, PersonProposal
from awards.services import proposals as services
from awards.tables import ProposalTable
from blocks.models import BlockYear, Person, Unit
from emulation.actions import form_page, require, require_for_unit
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.roles import roles_of
from emulation.tables import RequestConfig

FORM_METHODS = ["GET", "HEAD", "POST"]
PER_PAGE = 50


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _individual_awards(block_year: BlockYear) -> QuerySet[AwardType]:
    """The awards to individuals the authority's catalogue offers for the year."""
    offered = [
        award.pk
        for award, _version in catalogue.offered(block_year.block.authority, block_year.year)
        if award.for_individuals
    ]
    return AwardType.objects.filter(pk__in=offered).order_by("position")


def _annotated(
    proposals: QuerySet[PersonProposal], own: frozenset[int]
) -> QuerySet[PersonProposal]:
    """Each proposal with whether the person asking may still withdraw it (their unit's, and no
    ballot on the award yet): read once, not asked per row."""
    ballot = Ballot.objects.filter(
        block_year=OuterRef("block_year"),
        kind=Ballot.Kind.NOMINATION,
        award_type=OuterRef("award_type"),
    )
    return proposals.select_related("award_type", "unit").annotate(
        can_withdraw=ExpressionWrapper(
            Q(unit__in=list(own)) & ~Exists(ballot), output_field=BooleanField()
        )
    )


@require_safe
def proposal_list(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    roles = roles_of(request.user)
    own = roles.member_units_of(block_year.pk)
    proposals = PersonProposal.objects.filter(block_year=block_year)
    sees_all = request.user.has_perm("awards.see_proposals", block_year)
    if not sees_all:
        proposals = proposals.filter(unit__in=list(roles.units))
    table = ProposalTable(_annotated(proposals, roles.units))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "awards/proposals/proposal_list.html",
        {
            "block_year": block_year,
            "table": table,
            "sees_all": sees_all,
            "can_propose": bool(own) and block_year.archived_at is None,
        },
    )


@require_http_methods(FORM_METHODS)
def proposal_create(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    own = roles_of(request.user).member_units_of(block_year.pk)
    if not own or block_year.archived_at is not None:
        raise PermissionDenied  # a member unit's own people propose, while the year is open
    people = (
        Person.objects.serving()
        .filter(unit__in=list(own))
        .select_related("unit")
        .order_by("unit__name", "full_name")
    )
    form = ProposalForm(
        post_data(request),
        awards=_individual_awards(block_year),
        people=people,
        initial={"person": request.GET.get("person")} if request.GET.get("person") else None,
    )
    done = run_form(
        request,
        form,
        lambda data: services.propose_person(
            block_year, data["award"], data["person"], by=request.user, summary=data["summary"]
        ),
        _("The person was proposed to the block."),
    )
    if done:
        return redirect("awards:proposal_list", block_year.pk)
    return form_page(
        request,
        form,
        title=_("Propose a person of your unit"),
        intro=_(
            "The block's secret ballot on the award puts every person proposed before the member"
            " units; proposals close when the secretariat prepares that ballot."
        ),
        cancel_link=reverse("awards:proposal_list", args=[block_year.pk]),
        submit_label=_("Propose"),
    )


@require_http_methods(FORM_METHODS)
def proposal_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        PersonProposal.objects.filter(
            block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("block_year", "award_type", "unit"),
        pk=pk,
    )
    require_for_unit(request, "awards.withdraw_proposal", proposal)
    form = WithdrawForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.withdraw_proposal(proposal, by=request.user, reason=data["reason"]),
        _("The proposal was withdrawn."),
    )
    if done:
        return redirect("awards:proposal_list", proposal.block_year_id)
    return form_page(
        request,
        form,
        title=_("Withdraw the proposal of %(person)s?") % {"person": proposal.person_name},
        intro=proposal.award_type.name,
        cancel_link=reverse("awards:proposal_list", args=[proposal.block_year_id]),
        submit_label=_("Withdraw the proposal"),
        danger=True,
    )


@require_safe
def unit_proposals(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's proposals of its people, every year, and the years it may propose in now."""
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=pk)
    require(request, "blocks.manage_people", unit)
    proposals = PersonProposal.objects.filter(unit=unit).order_by("-block_year__year", "pk")
    table = ProposalTable(
        _annotated(proposals, roles_of(request.user).units), order_by="-proposed_at"
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    # Only the unit's own leaders and officers propose its people (council staff keep its records).
    years = (
        BlockYear.objects.for_user(request.user)
        .filter(memberships__unit=unit, memberships__left_on__isnull=True, archived_at__isnull=True)
        .select_related("block")
        .order_by("-year")
        .distinct()
        if request.user.has_perm("awards.propose_people", unit)
        else BlockYear.objects.none()
    )
    return render(
        request,
        "awards/proposals/unit_proposals.html",
        {"unit": unit, "table": table, "years": years},
    )


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/proposals/", proposal_list, name="proposal_list"),
    path("years/<id:pk>/proposals/new/", proposal_create, name="proposal_create"),
    path("proposals/<id:pk>/withdraw/", proposal_withdraw, name="proposal_withdraw"),
    path("units/<id:pk>/proposals/", unit_proposals, name="unit_proposals"),
]
