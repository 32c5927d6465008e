"""The screens of the voting core, the same for a block's ballot and a council session: naming the
counting board, a teller receiving their code (shown once), the count with the codes typed at the
table, declaring a vote void, and holding it again. Each stack (`Stack`) says how its vote is
found, who runs it, who may sit on its board, and which service acts.

Running (board, void, rerun) needs the stack's permission; a code is given only to a teller of the
board; the count is open to the board's tellers and to whoever runs the vote, since the codes
themselves are what opens the box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.forms.voting import BoardForm, CodesForm, ReasonForm
from awards.models import Ballot, BallotBox, CouncilSession, Teller
from awards.services import ballots, sessions, voting
from awards.views.ballots import _ballot
from awards.views.sessions import _session
from emulation.errors import DomainError
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.models import User

FORM_METHODS = ["GET", "HEAD", "POST"]


@dataclass(frozen=True)
class Stack:
    """What differs between a block's ballot and a council session."""

    name: str  # the URL names' prefix: "ballot" or "session"
    prefix: str  # the URL's first part
    find: Callable[[AuthedRequest, int], Any]  # 404 outside what the person sees
    may_run: Callable[[AuthedRequest, Any], bool]
    archived: Callable[[Any], bool]  # read-only for everyone, tellers included
    context: Callable[[Any], dict[str, Any]]  # the crumbs' context
    crumbs: str
    people: Callable[[Any], QuerySet[User]]  # who may sit on the board
    name_board: Callable[..., Any]
    take_code: Callable[..., str]
    count: Callable[..., Any]
    void: Callable[..., Any]
    rerun: Callable[..., Any]


def _ballot_people(ballot: Ballot) -> QuerySet[User]:
    roles = ballots.board_candidates(ballot.block_year)
    return User.objects.filter(pk__in=roles.values("user")).order_by("full_name", "username")


def _session_people(session: CouncilSession) -> QuerySet[User]:
    return sessions.council_members(session.authority_id)


BALLOT = Stack(
    name="ballot",
    prefix="ballots",
    find=_ballot,
    may_run=lambda request, ballot: request.user.has_perm("awards.run_ballots", ballot.block_year),
    archived=lambda ballot: ballot.block_year.archived_at is not None,
    context=lambda ballot: {"ballot": ballot, "block_year": ballot.block_year},
    crumbs="awards/ballots/_crumbs.html",
    people=_ballot_people,
    name_board=ballots.name_board,
    take_code=ballots.take_code,
    count=ballots.count_ballot,
    void=ballots.void_ballot,
    rerun=ballots.rerun_ballot,
)

SESSION = Stack(
    name="session",
    prefix="council/sessions",
    find=_session,
    may_run=lambda request, session: request.user.has_perm("awards.run_session", session),
    archived=lambda session: False,  # a session belongs to no year that is archived
    context=lambda session: {
        "session": session,
        "authority": session.authority,
        "year": session.year,
    },
    crumbs="awards/sessions/_crumbs.html",
    people=_session_people,
    name_board=sessions.name_board,
    take_code=sessions.take_code,
    count=sessions.count_session,
    void=sessions.void_session,
    rerun=sessions.rerun_session,
)


def _box(vote: Any) -> BallotBox:
    if vote.box is None:
        raise PermissionDenied  # held on paper: no board, no codes
    box: BallotBox = vote.box
    return box


def _tellers(box: BallotBox) -> list[Teller]:
    return list(box.tellers.select_related("user", "unit").order_by("position"))


def _run(stack: Stack, request: AuthedRequest, vote: Any) -> None:
    if not stack.may_run(request, vote):
        raise PermissionDenied


def _page(stack: Stack, request: AuthedRequest, vote: Any, template: str, **extra: Any) -> Any:
    return render(
        request,
        template,
        {**stack.context(vote), "crumbs": stack.crumbs, "vote": vote, "stack": stack.name, **extra},
    )


def board(stack: Stack, request: AuthedRequest, pk: int) -> HttpResponse:
    vote = stack.find(request, pk)
    _run(stack, request, vote)
    box = _box(vote)
    tellers = _tellers(box)
    form = BoardForm(
        post_data(request),
        people=stack.people(vote),
        initial={"tellers": [t.user_id for t in tellers], "threshold": box.threshold},
    )
    done = run_form(
        request,
        form,
        lambda data: stack.name_board(
            vote, by=request.user, tellers=list(data["tellers"]), threshold=data["threshold"]
        ),
        _("The counting board is named; each teller now receives their code on the vote's page."),
    )
    if done:
        return redirect(vote)
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": _("Counting board of “%(title)s”") % {"title": vote.title},
            "intro": _(
                "The tellers hold the key to the ballot box together: no one, not the"
                " secretariat, the council staff nor whoever runs the server, can open it"
                " without the codes of as many tellers as required."
            ),
            "cancel": vote,
            "submit_label": _("Name the board"),
        },
    )


def code(stack: Stack, request: AuthedRequest, pk: int) -> HttpResponse:
    """GET explains; POST gives the teller their code once (never cached, never stored)."""
    vote = stack.find(request, pk)
    box = _box(vote)
    teller = voting.teller_of(box, request.user)
    if teller is None or stack.archived(vote):
        raise PermissionDenied
    given = None
    error = ""
    if request.method == "POST":
        try:
            given = stack.take_code(vote, by=request.user)
        except DomainError as refusal:
            error = refusal.message
    response = _page(
        stack,
        request,
        vote,
        "awards/voting/code.html",
        teller=teller,
        box=box,
        code=given,
        error=error,
    )
    add_never_cache_headers(response)
    return response


def count(stack: Stack, request: AuthedRequest, pk: int) -> HttpResponse:
    vote = stack.find(request, pk)
    box = _box(vote)
    if stack.archived(vote):
        raise PermissionDenied
    if voting.teller_of(box, request.user) is None and not stack.may_run(request, vote):
        raise PermissionDenied
    tellers = _tellers(box)
    form = CodesForm(post_data(request), tellers=tellers)
    done = run_form(
        request,
        form,
        lambda _data: stack.count(vote, by=request.user, codes=form.codes()),
        _("The ballots were counted; the results are published."),
    )
    if done:
        return redirect(vote)
    response = _page(
        stack, request, vote, "awards/voting/count.html", form=form, box=box, tellers=tellers
    )
    add_never_cache_headers(response)
    return response


def _reason_page(
    stack: Stack,
    request: AuthedRequest,
    pk: int,
    *,
    action: Callable[[Any, str], Any],
    done: str,
    title: str,
    intro: str,
    submit: str,
) -> HttpResponse:
    vote = stack.find(request, pk)
    _run(stack, request, vote)
    _box(vote)
    form = ReasonForm(post_data(request))
    result = run_form(request, form, lambda data: action(vote, data["reason"]), done)
    if result:
        return redirect(result)
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": title % {"title": vote.title},
            "intro": intro,
            "cancel": vote,
            "submit_label": submit,
            "danger": True,
        },
    )


def void(stack: Stack, request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_page(
        stack,
        request,
        pk,
        action=lambda vote, reason: stack.void(vote, by=request.user, reason=reason),
        done=_("The vote is void: its ballots were destroyed unopened."),
        title=_("Declare “%(title)s” void?"),
        intro=_(
            "Do this only when too few tellers can give their code. The sealed ballots are"
            " destroyed unopened, no count will ever exist, and the vote can be held again."
        ),
        submit=_("Declare void"),
    )


def rerun(stack: Stack, request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_page(
        stack,
        request,
        pk,
        action=lambda vote, reason: stack.rerun(vote, by=request.user, reason=reason),
        done=_("A new vote is prepared with the same candidates; the reason is recorded."),
        title=_("Hold “%(title)s” again?"),
        intro=_(
            "The vote was void. A new one is prepared with the same candidates and rules, and a"
            " new counting board; the reason you give is kept with it."
        ),
        submit=_("Hold it again"),
    )


def _patterns(stack: Stack) -> Iterable[URLPattern]:
    for action, view in (
        ("board", board),
        ("code", code),
        ("count", count),
        ("void", void),
        ("rerun", rerun),
    ):

        def bound(request: AuthedRequest, pk: int, view: Any = view) -> HttpResponse:
            return view(stack, request, pk)

        yield path(
            f"{stack.prefix}/<id:pk>/{action}/",
            require_http_methods(FORM_METHODS)(bound),
            name=f"{stack.name}_{action}",
        )


urlpatterns: list[URLPattern] = [*_patterns(BALLOT), *_patterns(SESSION)]
