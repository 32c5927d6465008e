"""Screens of the year's secret ballots, the eligibility check and the minutes.

Seeing follows `BlockYear.objects.for_user` (404 outside it). Running ballots needs
`awards.run_ballots` on the block year; voting is done for a unit by its own leader only
(`require_for_unit` with `awards.vote`). Results exist, and are shown, only once a ballot is
closed; before that a page says how many units voted, never what anyone chose.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Value
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from awards import catalogue
from awards import eligibility as award_rules
from awards.documents import ballot_minutes
from awards.forms.ballots import (
    BallotCreateForm,
    EligibilityForm,
    MeetingSignersForm,
    OpenForm,
    PaperForm,
    ReceiptForm,
    VoteForm,
)
from awards.models import (
    AwardType,
    Ballot,
    BallotCandidate,
    Dossier,
    Nomination,
    PersonProposal,
    RollEntry,
)
from awards.services import ballots as services
from awards.services import voting
from blocks.models import BlockYear, Unit
from emulation.actions import act as _act
from emulation.actions import confirm_page as _confirm
from emulation.actions import form_page, private_download, require_for_unit
from emulation.actions import require as _require
from emulation.bulk import act_in_one_go, posted_ids
from emulation.errors import DomainError
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response
from emulation.published import SECONDS as CACHE_SECONDS
from emulation.published import cached, fragment_key
from scoring.models import RankingRow

FORM_METHODS = ["GET", "HEAD", "POST"]


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _ballot(request: AuthedRequest, pk: int) -> Ballot:
    return get_object_or_404(
        Ballot.objects.filter(
            block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("block_year__block__authority", "award_type", "box"),
        pk=pk,
    )


def _as_vote(ballot: Ballot) -> dict[str, Any]:
    """What the voting core's shared pages need of a ballot."""
    return {
        "vote": ballot,
        "stack": "ballot",
        "crumbs": "awards/ballots/_crumbs.html",
        "ballot": ballot,
        "block_year": ballot.block_year,
    }


def _member_units(block_year: BlockYear) -> Any:
    return Unit.objects.filter(
        memberships__block_year=block_year, memberships__left_on__isnull=True
    ).order_by("memberships__position", "name")


def _my_voting_unit(request: AuthedRequest, block_year: BlockYear) -> Unit | None:
    """The member unit this person votes for (one they lead), as `services.voting_unit` says."""
    led = request.roles.led_member_units_of(block_year.pk)
    return Unit.objects.filter(pk__in=led).order_by("name").first() if led else None


def _leading(block_year: BlockYear) -> dict[str, Any]:
    """The published ranking's first place: one unit, or units tied and how the tie stands."""
    first = list(
        RankingRow.objects.filter(ranking__table__block_year=block_year, rank=1).order_by(
            "unit_name"
        )
    )
    tied = len(first) > 1 and any(row.tie == RankingRow.Tie.VOTE for row in first)
    winner = None
    if tied:
        winner = (
            BallotCandidate.objects.filter(
                ballot__block_year=block_year,
                ballot__kind=Ballot.Kind.TIE,
                ballot__status=Ballot.Status.CLOSED,
                elected=True,
            )
            .values_list("unit_name", flat=True)
            .first()
        )
    return {"rows": first, "tied": tied, "winner": winner, "published": bool(first)}


# The year's ballots ---------------------------------------------------------------------------


@require_safe
def ballot_list(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    unit = _my_voting_unit(request, block_year)
    voted = RollEntry.objects.filter(box=OuterRef("box"), unit=unit)
    candidates = BallotCandidate.objects.order_by("position", "pk")
    ballots = list(
        block_year.ballots.select_related("award_type")
        .annotate(voted=Count("box__roll", distinct=True))
        .annotate(mine=Exists(voted) if unit else Value(False, output_field=BooleanField()))
        .prefetch_related(Prefetch("candidates", queryset=candidates))
        .order_by("created_at", "pk")
    )
    can_run = request.user.has_perm("awards.run_ballots", block_year)
    statuses = {b.status for b in ballots}
    dossier = Dossier.objects.filter(block_year=block_year).select_related("minutes").first()
    leading = _leading(block_year)
    unsettled = leading["tied"] and not leading["winner"]
    # What may still be put to a ballot: nothing in preparation, open, or already decided.
    taken = {
        (b.kind, b.award_type_id)
        for b in ballots
        if b.status != Ballot.Status.CLOSED or any(c.elected for c in b.candidates.all())
    }
    return render(
        request,
        "awards/ballots/ballot_list.html",
        {
            "block_year": block_year,
            "ballots": ballots,
            "leading": leading,
            "can_run": can_run,
            "voting_unit": unit,
            "awards": [
                a
                for a in (AwardType.objects.filter(is_active=True) if can_run else [])
                if (Ballot.Kind.NOMINATION, a.pk) not in taken
            ],
            # A tie ballot is offered only while first place is tied and not yet settled.
            "kinds": [
                (k.value, k.label)
                for k in Ballot.Kind
                if k != Ballot.Kind.NOMINATION
                and (k != Ballot.Kind.TIE or unsettled)
                and (k, None) not in taken
            ],
            # Several at once only when there are several: one is opened from its own row.
            "to_open": _several(
                can_run,
                [b for b in ballots if b.status == Ballot.Status.DRAFT and b.method == "online"],
            ),
            "to_close": _several(can_run, [b for b in ballots if b.status == Ballot.Status.OPEN]),
            "can_issue_minutes": can_run
            and Ballot.Status.CLOSED in statuses
            and statuses == {Ballot.Status.CLOSED},
            "minutes": dossier.minutes if dossier else None,
        },
    )


def _several(can_run: bool, ballots: list[Ballot]) -> int:
    return len(ballots) if can_run and len(ballots) > 1 else 0


def _candidate_rows(
    block_year: BlockYear, form: BallotCreateForm, kind: str, award: AwardType | None
) -> list[dict[str, Any]]:
    """Each member unit's checkbox with what the ranking says of it and, for a nomination,
    whether it meets the award's ranking rules."""
    rows = {
        row.unit_id: row for row in RankingRow.objects.filter(ranking__table__block_year=block_year)
    }
    units = {u.pk: u for u in form.fields["units"].queryset}  # type: ignore[attr-defined]
    total = len(units)
    facts = award_rules.facts_of(block_year) if kind == Ballot.Kind.NOMINATION and award else None
    result = []
    for widget in form["units"]:
        unit = units[int(str(widget.data["value"]))]
        row = rows.get(unit.pk)
        checks = (
            award_rules.check(award, block_year, unit, ranking_only=True, facts=facts)
            if kind == Ballot.Kind.NOMINATION and award is not None
            else []
        )
        result.append(
            {
                "widget": widget,
                "unit": unit,
                "row": row,
                "total_units": total,
                "checks": checks,
                "eligible": award_rules.passes(checks) if checks else None,
                "failures": award_rules.failures(checks),
            }
        )
    return sorted(result, key=lambda r: (r["row"].rank if r["row"] else 999, r["unit"].name))


@require_http_methods(FORM_METHODS)
def ballot_create(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "awards.run_ballots", block_year)
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", Ballot.Kind.ACCLAIM)
    kind = kind if kind in Ballot.Kind.values else Ballot.Kind.ACCLAIM
    award = None
    if kind == Ballot.Kind.NOMINATION:
        # Matched in Python, not in a query: the code comes as typed (PostgreSQL refuses a NUL).
        awards = list(AwardType.objects.filter(is_active=True))
        wanted = source.get("award", "")
        award = next((a for a in awards if a.code == wanted), awards[0] if awards else None)
    published = services.published_ranking(block_year) is not None
    suggested = services.suggested_candidates(block_year, kind, award) if published else []
    form = BallotCreateForm(
        post_data(request),
        units=_member_units(block_year),
        initial={
            "kind": kind,
            "award": award.code if award else None,
            "method": Ballot.Method.ONLINE,
            # The year's ballot deadline, unless it has passed: never a day already past.
            "closes_on": block_year.ballot_deadline
            and block_year.coming_deadline("ballot_deadline", days=7),
            "units": [u.pk for u in suggested],
        },
    )
    ballot = run_form(
        request,
        form,
        lambda data: services.create_ballot(
            block_year,
            by=request.user,
            kind=data["kind"],
            award=data["award"],
            # On an award to individuals the people their units proposed stand.
            units=None if data["award"] and data["award"].for_individuals else list(data["units"]),
            seats=data["seats"],
            method=data["method"],
            closes_on=data["closes_on"],
        ),
        _("The ballot was prepared. Check it, then open it for voting."),
    )
    if ballot:
        return redirect(ballot)
    context = {
        "block_year": block_year,
        "form": form,
        "kind": kind,
        "award": award,
        "published": published,
        "rows": _candidate_rows(block_year, form, kind, award),
        "individual": bool(award and award.for_individuals and kind == Ballot.Kind.NOMINATION),
        "proposals": PersonProposal.objects.standing()
        .filter(block_year=block_year, award_type=award)
        .select_related("unit")
        .order_by("unit__name", "person_name")
        if award and award.for_individuals
        else [],
    }
    if request.htmx and request.method == "GET":
        return render(request, "awards/ballots/_create_form.html", context)
    return render(request, "awards/ballots/ballot_create.html", context)


# One ballot -----------------------------------------------------------------------------------


def _chart(ballot: Ballot, candidates: list[BallotCandidate], needed: int) -> dict[str, Any]:
    """Horizontal bars of agree (and disagree) per candidate, on a scale of the member units,
    with the votes needed marked. Drawn with SVG attributes only (strict CSP)."""
    # Drawn at its own size (scaled-down text would be unreadable on a phone): each label
    # above its bar and its count at the right edge, narrow enough for a 390 px screen.
    pad, plot_width, row = 8, 240, 44
    top = max([ballot.members or 0, ballot.cast or 0, 1])
    bars = []
    for i, c in enumerate(candidates):
        agree, disagree = c.approvals or 0, c.disapprovals or 0
        agree_width = round(agree / top * plot_width, 1)
        disagree_width = round(disagree / top * plot_width, 1)
        name = c.name if len(c.name) <= 44 else c.name[:43] + "…"
        bars.append(
            {
                "label_y": i * row + 13,
                "y": i * row + 18,
                "text_y": i * row + 33,
                "label": name,
                "title": c.name,
                "agree": agree,
                "disagree": disagree,
                "agree_width": agree_width,
                "disagree_x": pad + agree_width,
                "disagree_width": disagree_width,
                "value_x": 318,
                "fill": "#1e7b34" if c.elected else "#6c757d",
            }
        )
    return {
        "width": 320,
        "height": max(len(bars), 1) * row + 4,
        "pad": pad,
        "needed_x": pad + round(needed / top * plot_width, 1),
        "plot_height": max(len(bars), 1) * row,
        "bars": bars,
        "approve": ballot.mode == Ballot.Mode.APPROVE,
    }


@dataclass(frozen=True)
class Roll:
    """A ballot's candidates (with their counts once closed), the units that voted and those
    that have not."""

    candidates: list[BallotCandidate]
    voters: list[RollEntry]
    waiting: list[Unit]
    matches: bool  # the counts match the SHA-256 of the results published at closing


def _roll(ballot: Ballot) -> Roll:
    """A closed ballot's roll is cached under the SHA-256 of its results while they match it:
    no vote is cast and no count changes once a ballot is closed."""

    def read() -> Roll:
        candidates = list(ballot.candidates.order_by("position", "pk"))
        results = services.results_of(ballot, candidates)
        voters = list(services.voters(ballot))
        voted_units = {v.unit_id for v in voters}
        return Roll(
            candidates,
            voters,
            [u for u in _member_units(ballot.block_year) if u.pk not in voted_units],
            services.results_sha256(ballot, results) == ballot.results_sha256,
        )

    sha256 = ballot.results_sha256 if ballot.is_closed else ""
    return cached("awards.ballot", sha256, read, of=ballot.pk, keep=lambda roll: roll.matches)


@require_safe
def ballot_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    block_year = ballot.block_year
    roll = _roll(ballot)
    candidates, voters, waiting = roll.candidates, roll.voters, roll.waiting
    # Whom the person votes for matters only while the ballot is open.
    unit = _my_voting_unit(request, block_year) if ballot.is_open else None
    mine = next((v for v in voters if unit is not None and v.unit_id == unit.pk), None)
    members = ballot.members if ballot.members is not None else len(voters) + len(waiting)
    closed = ballot.is_closed
    cast = ballot.cast or 0
    base_is_cast = ballot.approval_base == Ballot.Base.CAST
    context: dict[str, Any] = {
        "ballot": ballot,
        "block_year": block_year,
        "candidates": candidates,
        "voters": voters,
        "waiting": waiting,
        "members": members,
        "voted": len(voters),
        "voting_unit": unit,
        "my_vote": mine,
        "can_vote": ballot.is_open and unit is not None and mine is None,
        "can_run": request.user.has_perm("awards.run_ballots", block_year),
        "quorum_count": services.quorum_count(ballot, members),
        "needed": ballot.votes_needed(cast, members) if closed or not base_is_cast else None,
        "past_closing": ballot.closes_on is not None and ballot.closes_on < timezone.localdate(),
        "stack": "ballot",
        "vote": ballot,
        **voting.board_of(ballot, request.user),
    }
    if closed and not ballot.is_void:  # a void one offers to hold it again: not the same for all
        # A closed ballot's rules, roll and results read the same for everyone who may see them:
        # the template renders them once per language, and the chart is drawn only then.
        needed = context["needed"] or 0
        context["chart"] = SimpleLazyObject(lambda: _chart(ballot, candidates, needed))
        if roll.matches:
            context["body_cache"] = fragment_key(
                "awards.ballot_body", ballot.results_sha256, ballot.pk
            )
            context["cache_seconds"] = CACHE_SECONDS
    return render(request, "awards/ballots/ballot_detail.html", context)


@require_http_methods(FORM_METHODS)
def ballot_open(request: AuthedRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    _require(request, "awards.run_ballots", ballot.block_year)
    closes_on = ballot.closes_on
    if closes_on is not None and closes_on < timezone.localdate():
        closes_on = timezone.localdate() + datetime.timedelta(days=7)  # never a day already past
    form = OpenForm(post_data(request), initial={"closes_on": closes_on})
    done = run_form(
        request,
        form,
        lambda data: services.open_ballot(ballot, by=request.user, closes_on=data["closes_on"]),
        _("The ballot is open; the leaders of the member units were told by e-mail."),
    )
    if done:
        return redirect(ballot)
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": _("Open “%(title)s” for voting?") % {"title": ballot.title},
            "intro": _(
                "The leader of each member unit can then cast the unit's ballot once, until the"
                " closing date. The candidates and rules can no longer change."
            ),
            "cancel": ballot,
            "submit_label": _("Open the ballot"),
        },
    )


@require_http_methods(FORM_METHODS)
def ballot_close(request: AuthedRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    _require(request, "awards.run_ballots", ballot.block_year)
    if request.method == "POST":
        _act(
            request,
            lambda: services.close_ballot(ballot, by=request.user),
            _(
                "Voting is closed. With the quorum reached, the counting board now counts the"
                " ballots; without it, the ballot is void and was never counted."
            ),
        )
        return redirect(ballot)
    voted = services.voters(ballot).count()
    return _confirm(
        request,
        title=_("Close voting in “%(title)s”?") % {"title": ballot.title},
        message=_(
            "%(voted)d of %(members)d member units have voted; the quorum needs %(quorum)d."
            " Once closed, no one can vote any more and a ballot is never reopened. Without the"
            " quorum the ballot is void: its sealed ballots are destroyed unopened and no count"
            " is ever shown. With it, the counting board counts the ballots with their codes."
        )
        % {
            "voted": voted,
            "members": ballot.members or 0,
            "quorum": services.quorum_count(ballot, ballot.members or 0),
        },
        confirm_label=_("Close voting"),
        cancel_link=ballot.get_absolute_url(),
        danger=True,
    )


def _ballots_in_one_go(
    request: AuthedRequest,
    pk: int,
    *,
    status: str,
    action: Callable[[list[Ballot], dict[str, Any]], list[Ballot]],
    done: Callable[[int], str],
    form: OpenForm | None = None,
    **context: Any,
) -> HttpResponse:
    """GET lists the year's online ballots at `status` and what will happen to them; POST does
    it to exactly the ballots listed (their ids come back with the form), all or none."""
    block_year = _block_year(request, pk)
    _require(request, "awards.run_ballots", block_year)
    back = reverse("awards:ballot_list", args=[block_year.pk])
    if request.method == "POST":
        chosen = list(block_year.ballots.filter(pk__in=posted_ids(request, "item")))
        if not chosen:
            messages.error(request, context["empty"])
            return redirect(back)
        if form is None or form.is_valid():
            data = form.cleaned_data if form else {}
            act_in_one_go(request, lambda: action(chosen, data), done)
            return redirect(back)
    ballots = block_year.ballots.filter(status=status, method=Ballot.Method.ONLINE)
    return render(
        request,
        "awards/ballots/ballots_confirm_bulk.html",
        {
            "block_year": block_year,
            "items": list(
                ballots.select_related("award_type")
                .annotate(voted=Count("box__roll", distinct=True))
                .order_by("created_at", "pk")
            ),
            "form": form,
            "cancel_link": back,
            **context,
        },
    )


@require_http_methods(FORM_METHODS)
def ballots_open(request: AuthedRequest, pk: int) -> HttpResponse:
    return _ballots_in_one_go(
        request,
        pk,
        status=Ballot.Status.DRAFT,
        action=lambda chosen, data: services.open_ballots(
            chosen, by=request.user, closes_on=data["closes_on"]
        ),
        done=lambda n: (
            ngettext(
                "%(n)d ballot is open; the leaders of the member units were told by e-mail.",
                "%(n)d ballots are open; the leaders of the member units were told by e-mail.",
                n,
            )
            % {"n": n}
        ),
        form=OpenForm(post_data(request)),
        title=_("Open the prepared ballots for voting"),
        message=_(
            "The leader of each member unit can then cast the unit's ballot once in each, until"
            " its closing date. The candidates and rules can no longer change."
        ),
        empty=_("No online ballot is waiting to be opened."),
        confirm_label=_("Open the ballots"),
    )


@require_http_methods(FORM_METHODS)
def ballots_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _ballots_in_one_go(
        request,
        pk,
        status=Ballot.Status.OPEN,
        action=lambda chosen, data: services.close_ballots(chosen, by=request.user),
        done=lambda n: (
            ngettext(
                "Voting is closed in %(n)d ballot; its counting board was asked to count it"
                " (without the quorum, it is void).",
                "Voting is closed in %(n)d ballots; their counting boards were asked to count"
                " them (without the quorum, a ballot is void).",
                n,
            )
            % {"n": n}
        ),
        title=_("Close voting in the open ballots"),
        message=_(
            "Once closed, no one can vote any more in these ballots; a ballot is never reopened."
            " A ballot without the quorum is void and never counted; the others are counted by"
            " their counting boards."
        ),
        empty=_("No ballot is open."),
        confirm_label=_("Close voting"),
        danger=True,
    )


@require_http_methods(FORM_METHODS)
def ballot_vote(request: AuthedRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    require_for_unit(request, "awards.vote", ballot)
    candidates = list(ballot.candidates.order_by("position", "pk"))
    form = VoteForm(post_data(request), ballot=ballot, candidates=candidates)
    receipt = None
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.cast_vote(ballot, by=request.user, choices=form.choices())
        except DomainError as error:
            form.add_domain_error(error)
    if receipt:
        # Shown once, never stored as such: not cached, not put in a message or the session.
        response = render(
            request,
            "awards/voting/voted.html",
            {**_as_vote(ballot), "receipt": receipt},
        )
        add_never_cache_headers(response)
        return response
    unit = _my_voting_unit(request, ballot.block_year)
    mine = services.voters(ballot).filter(unit=unit).first() if unit else None
    return render(
        request,
        "awards/ballots/ballot_vote.html",
        {
            "ballot": ballot,
            "block_year": ballot.block_year,
            "form": form,
            "voting_unit": unit,
            "my_vote": mine,
        },
    )


@require_http_methods(FORM_METHODS)
def ballot_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    """Anyone who sees the year may check a receipt code (sent by POST, so that it stays out of
    addresses and server logs)."""
    ballot = _ballot(request, pk)
    form = ReceiptForm(post_data(request))
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.check_receipt(ballot, form.cleaned_data["code"])
    response = render(
        request, "awards/voting/receipt.html", {**_as_vote(ballot), "form": form, "result": result}
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(FORM_METHODS)
def ballot_paper(request: AuthedRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    _require(request, "awards.run_ballots", ballot.block_year)
    candidates = list(ballot.candidates.order_by("position", "pk"))
    entitled = _member_units(ballot.block_year).count()
    form = PaperForm(
        post_data(request),
        request.FILES or None,
        ballot=ballot,
        candidates=candidates,
        initial={"members": entitled},
    )
    done = run_form(
        request,
        form,
        lambda data: services.record_paper_ballot(
            ballot,
            by=request.user,
            members=data["members"],
            cast=data["cast"],
            counts=form.counts(),
            scan=data["scan"],
        ),
        _("The paper ballot was recorded and its results published."),
    )
    if done:
        return redirect(ballot)
    return render(
        request,
        "awards/ballots/ballot_paper.html",
        {
            "ballot": ballot,
            "block_year": ballot.block_year,
            "form": form,
            "recordable": ballot.method == Ballot.Method.PAPER
            and ballot.status == Ballot.Status.DRAFT,
        },
    )


@require_safe
def ballot_scan(request: AuthedRequest, pk: int) -> FileResponse:
    ballot = _ballot(request, pk)
    if not ballot.minutes_scan:
        raise Http404
    name = (ballot.minutes_scan.name or "scan").rsplit("/", 1)[-1]
    return private_download(ballot.minutes_scan, name=name)


# Eligibility ----------------------------------------------------------------------------------


@require_safe
def eligibility(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    units = _member_units(block_year)
    # The awards of the authority's catalogue for the year, each with the version judging it.
    offered = dict(
        (a.pk, v) for a, v in catalogue.offered(block_year.block.authority, block_year.year)
    )
    form = EligibilityForm(request.GET or None, units=units)
    form.fields["award"].queryset = form.fields["award"].queryset.filter(pk__in=offered)  # type: ignore[attr-defined]
    award = unit = None
    if form.is_bound:
        form.is_valid()  # a bad unit does not lose a good award, nor the other way round
        award, unit = form.cleaned_data.get("award"), form.cleaned_data.get("unit")
    award = award or AwardType.objects.filter(is_active=True, pk__in=offered).first()
    if award is None:
        raise Http404
    nominations = {
        n.unit_id: n for n in Nomination.objects.filter(block_year=block_year, award_type=award)
    }
    context: dict[str, Any] = {
        "block_year": block_year,
        "form": form,
        "award": award,
        "unit": unit,
        "version": offered.get(award.pk),
        "ranking_published": services.published_ranking(block_year) is not None,
    }
    if award.for_individuals:
        context["matrix"], context["columns"] = _people_matrix(block_year, award, unit, offered)
        context["unit"], context["individual"] = None, True
        context["one_award"] = False
    elif unit is not None:
        results = award_rules.check(
            award,
            block_year,
            unit,
            nomination=nominations.get(unit.pk),
            facts=award_rules.facts_of(block_year, offered),
        )
        context["results"] = results
        context["one_award"] = any(r.code == "one_award" for r in results)
        context["verdict"] = _verdict(results)
        context["nomination"] = nominations.get(unit.pk)
    else:
        matrix = []
        codes: dict[str, award_rules.RuleResult] = {}
        facts = award_rules.facts_of(block_year, offered)
        for member in units:
            results = award_rules.check(
                award, block_year, member, nomination=nominations.get(member.pk), facts=facts
            )
            for result in results:
                codes.setdefault(result.code, result)
            matrix.append({"unit": member, "results": results, "verdict": _verdict(results)})
        for row in matrix:
            by_code = {r.code: r for r in row["results"]}
            row["cells"] = [by_code.get(code) for code in codes]
        context["columns"] = [(code, r.rule, r) for code, r in codes.items()]
        context["one_award"] = "one_award" in codes
        context["matrix"] = matrix
    return render(request, "awards/ballots/eligibility.html", context)


def _people_matrix(
    block_year: BlockYear, award: AwardType, unit: Unit | None, offered: dict[int, Any]
) -> tuple[list[dict[str, Any]], list[tuple[str, str, award_rules.RuleResult]]]:
    """On an award to individuals: each person their unit proposed (of `unit` only, when given),
    with every rule judged for them."""
    proposals = (
        PersonProposal.objects.standing()
        .filter(block_year=block_year, award_type=award)
        .select_related("unit", "person__unit")
        .order_by("unit__name", "person_name")
    )
    if unit is not None:
        proposals = proposals.filter(unit=unit)
    nominations = {
        n.person_id: n
        for n in Nomination.objects.filter(
            block_year=block_year, award_type=award, person__isnull=False
        )
    }
    facts = award_rules.facts_of(block_year, offered)
    matrix: list[dict[str, Any]] = []
    codes: dict[str, award_rules.RuleResult] = {}
    for proposal in proposals:
        results = award_rules.check(
            award,
            block_year,
            proposal.unit,
            person=proposal.person,
            nomination=nominations.get(proposal.person_id),
            facts=facts,
        )
        for result in results:
            codes.setdefault(result.code, result)
        name = f"{proposal.person_name} ({proposal.person_title}, {proposal.unit.name})"
        matrix.append(
            {
                "unit": {"name": name, "pk": proposal.unit_id},
                "results": results,
                "verdict": _verdict(results),
            }
        )
    for row in matrix:
        by_code = {r.code: r for r in row["results"]}
        row["cells"] = [by_code.get(code) for code in codes]
    return matrix, [(code, r.rule, r) for code, r in codes.items()]


def _verdict(results: list[award_rules.RuleResult]) -> str:
    if award_rules.failures(results):
        return "fails"
    return "passes" if award_rules.passes(results) else "waiting"


# Minutes --------------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def minutes_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "awards.run_ballots", block_year)
    chair, secretary = ballot_minutes.default_signers(block_year, request.user)
    form = MeetingSignersForm(
        post_data(request), initial={"chair_name": chair, "secretary_name": secretary}
    )
    if request.method == "POST" and form.is_valid():
        _act(
            request,
            lambda: ballot_minutes.issue_minutes(block_year, by=request.user, **form.cleaned_data),
            _("The minutes were issued and filed in the nomination dossier."),
        )
        return redirect("awards:ballot_list", block_year.pk)
    return form_page(
        request,
        form,
        title=_("Issue the minutes of the deliberation meeting?"),
        intro=_(
            "A PDF in the official format is issued with a verification code: the published"
            " ranking, and for every closed ballot the members entitled, ballots cast, quorum,"
            " threshold, counts and outcome. It replaces earlier minutes in the dossier, and is"
            " signed by the meeting's chair and secretary."
        ),
        submit_label=_("Issue the minutes"),
        cancel_link=reverse("awards:ballot_list", args=[block_year.pk]),
    )


@require_safe
def minutes_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    block_year = _block_year(request, pk)
    dossier = Dossier.objects.filter(block_year=block_year).select_related("minutes").first()
    if dossier is None or dossier.minutes is None:
        raise Http404
    issued = dossier.minutes
    return file_response(issued, filename=f"bien-ban-binh-xet-{block_year.year}-{issued.code}.pdf")


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/ballots/", ballot_list, name="ballot_list"),
    path("years/<id:pk>/ballots/new/", ballot_create, name="ballot_create"),
    path("years/<id:pk>/ballots/open/", ballots_open, name="ballots_open"),
    path("years/<id:pk>/ballots/close/", ballots_close, name="ballots_close"),
    path("years/<id:pk>/eligibility/", eligibility, name="eligibility"),
    path("years/<id:pk>/minutes/issue/", minutes_issue, name="minutes_issue"),
    path("years/<id:pk>/minutes.pdf", minutes_pdf, name="minutes_pdf"),
    path("ballots/<id:pk>/", ballot_detail, name="ballot_detail"),
    path("ballots/<id:pk>/open/", ballot_open, name="ballot_open"),
    path("ballots/<id:pk>/close/", ballot_close, name="ballot_close"),
    path("ballots/<id:pk>/vote/", ballot_vote, name="ballot_vote"),
    path("ballots/<id:pk>/receipt/", ballot_receipt, name="ballot_receipt"),
    path("ballots/<id:pk>/paper/", ballot_paper, name="ballot_paper"),
    path("ballots/<id:pk>/scan/", ballot_scan, name="ballot_scan"),
]
