"""Screens of the council's sessions: the list and a new session, the agenda and attendance,
opening, the members' secret vote and receipts, closing, paper counts, and the minutes.

Seeing: the authority's council staff and members (and site administrators); anyone else gets
404. Running a session needs `awards.run_session` (staff, 403 for members); voting needs
`awards.vote_in_session` (a member recorded present, checked with no administrator override).
Before closing, a page says how many present members voted and who, never what anyone chose.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from awards import caps
from awards.documents import session_minutes
from awards.forms.ballots import MeetingSignersForm
from awards.forms.sessions import (
    AgendaForm,
    AttendanceForm,
    PaperCountsForm,
    RemoveItemForm,
    SessionCreateForm,
    SessionReceiptForm,
    SessionVoteForm,
)
from awards.models import AgendaItem, CouncilSession, Nomination, RollEntry
from awards.services import sessions as services
from awards.services import voting
from blocks.models import Authority
from emulation.actions import act as _act
from emulation.actions import confirm_page as _confirm
from emulation.actions import form_page, private_download, require_for_unit
from emulation.actions import require as _require
from emulation.errors import DomainError
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response
from emulation.published import SECONDS as CACHE_SECONDS
from emulation.published import cached, fragment_key

FORM_METHODS = ["GET", "HEAD", "POST"]


def _authority(request: AuthedRequest, pk: int) -> Authority:
    authority = get_object_or_404(Authority, pk=pk)
    if not request.user.has_perm("awards.see_council", authority):
        raise Http404
    return authority


def _session(request: AuthedRequest, pk: int) -> CouncilSession:
    session = get_object_or_404(
        CouncilSession.objects.select_related("authority", "minutes", "closed_by", "box"), pk=pk
    )
    if not request.user.has_perm("awards.see_council", session.authority):
        raise Http404
    return session


def _as_vote(session: CouncilSession) -> dict[str, Any]:
    """What the voting core's shared pages need of a session."""
    return {
        "vote": session,
        "stack": "session",
        "crumbs": "awards/sessions/_crumbs.html",
        "session": session,
        "authority": session.authority,
        "year": session.year,
    }


def _items(session: CouncilSession) -> list[AgendaItem]:
    return list(
        session.items.select_related(
            "nomination__award_type", "nomination__block_year__block"
        ).order_by("position", "pk")
    )


def _results(session: CouncilSession) -> tuple[list[AgendaItem], bool]:
    """The agenda with its counts and outcomes, and whether they match the SHA-256 of the
    results published at closing: a closed session's are cached under it while they match."""

    def read() -> tuple[list[AgendaItem], bool]:
        items = _items(session)
        results = services.results_of(session, items)
        return items, services.results_sha256(session, results) == session.results_sha256

    sha256 = session.results_sha256 if session.status == CouncilSession.Status.CLOSED else ""
    return cached("awards.session", sha256, read, of=session.pk, keep=lambda found: found[1])


def _by_award(items: list[AgendaItem]) -> list[dict[str, Any]]:
    """The agenda grouped by award, with how many were proposed and (once counted) approved."""
    groups: dict[int, dict[str, Any]] = {}
    for item in items:
        award = item.nomination.award_type
        group = groups.setdefault(
            award.pk, {"award": award, "items": [], "proposed": 0, "approved": 0}
        )
        group["items"].append(item)
        group["proposed"] += 1
        group["approved"] += item.outcome == AgendaItem.Outcome.APPROVED
    return list(groups.values())


# The list and a new session ---------------------------------------------------------------------


@require_safe
def session_list(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    sessions = list(
        CouncilSession.objects.filter(authority=council, year=year)
        .annotate(
            item_count=Count("items", distinct=True),
            approved_count=Count(
                "items", filter=Q(items__outcome=AgendaItem.Outcome.APPROVED), distinct=True
            ),
        )
        .order_by("held_on", "pk")
    )
    appraised = Nomination.objects.filter(
        block_year__block__authority=council,
        block_year__year=year,
        status=Nomination.Status.APPRAISED,
    ).count()
    return render(
        request,
        "awards/sessions/session_list.html",
        {
            "authority": council,
            "year": year,
            "sessions": sessions,
            "appraised": appraised,
            "caps": caps.cap_lines(council, year),
            "can_run": request.user.has_perm("awards.run_council", council),
        },
    )


@require_http_methods(FORM_METHODS)
def session_create(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    _require(request, "awards.run_council", council)
    form = SessionCreateForm(
        post_data(request),
        initial={
            "title": _("Council session on the %(year)d awards") % {"year": year},
            "held_on": timezone.localdate(),
            "method": CouncilSession.Method.ONLINE,
            "quorum": "2/3",
        },
    )
    session = run_form(
        request,
        form,
        lambda data: services.create_session(
            council,
            by=request.user,
            year=year,
            title=data["title"],
            held_on=data["held_on"],
            place=data["place"],
            method=data["method"],
            quorum=data["quorum"],
        ),
        _("The session was created. Put nominations on its agenda and record who is present."),
    )
    if session:
        return redirect(session)
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": _("New council session for %(year)d") % {"year": year},
            "intro": _(
                "The council votes on appraised nominations of the year. Members recorded present"
                " vote in secret online, or on paper at the meeting."
            ),
            "cancel_link": reverse("awards:session_list", args=[council.pk, year]),
            "submit_label": _("Create the session"),
        },
    )


# One session ------------------------------------------------------------------------------------


def _chart(session: CouncilSession, items: list[AgendaItem]) -> dict[str, Any]:
    """Horizontal bars of votes for (and against) per item, on a scale of the members who voted,
    with each item's votes needed marked. SVG attributes only (strict CSP)."""
    # Drawn at its own size (scaled-down text would be unreadable on a phone): each label
    # above its bar and its count at the right edge, narrow enough for a 390 px screen.
    pad, plot_width, row = 8, 240, 44
    top = max(session.cast or 0, 1)
    bars = []
    for i, item in enumerate(items):
        agree, disagree = item.approvals or 0, item.disapprovals or 0
        agree_width = round(agree / top * plot_width, 1)
        disagree_width = round(disagree / top * plot_width, 1)
        name = item.nomination.name
        label = name if len(name) <= 44 else name[:43] + "…"
        needed_x = pad + round(item.votes_needed(session.cast or 0) / top * plot_width, 1)
        bars.append(
            {
                "label_y": i * row + 13,
                "y": i * row + 18,
                "text_y": i * row + 33,
                "label": label,
                "title": f"{name} – {item.nomination.award_type.name}",
                "agree": agree,
                "disagree": disagree,
                "agree_width": agree_width,
                "disagree_x": pad + agree_width,
                "disagree_width": disagree_width,
                "value_x": 318,
                "needed_x": min(needed_x, pad + plot_width),
                "needed_y1": i * row + 15,
                "needed_y2": i * row + 41,
                "fill": "#1e7b34" if item.outcome == AgendaItem.Outcome.APPROVED else "#6c757d",
            }
        )
    return {
        "width": 320,
        "height": max(len(bars), 1) * row + 4,
        "pad": pad,
        "bars": bars,
    }


def _not_voted(present: list[Any], voters: list[RollEntry]) -> list[Any]:
    voted = {v.voted_by_id for v in voters}
    return [person for person in present if person.pk not in voted]


@require_safe
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    items, matches = _results(session)
    closed = session.status == CouncilSession.Status.CLOSED
    size = (
        session.council_size
        if session.council_size is not None
        else services.council_members(session.authority).count()
    )

    def read_present() -> list[Any]:
        return list(services.present_members(session))

    def read_voters() -> list[RollEntry]:
        return list(services.voters(session).order_by("voted_by__full_name", "voted_by__username"))

    # A closed session's attendance, roll, results and caps read the same for everyone who may
    # see them: the template renders them once per language (`body_cache`), and they are read
    # only when it does.
    present: Any = SimpleLazyObject(read_present)
    voters: Any = SimpleLazyObject(read_voters)
    context: dict[str, Any] = {
        "session": session,
        "authority": session.authority,
        "year": session.year,
        "groups": SimpleLazyObject(lambda: _by_award(items)),
        "items": items,
        "present": present,
        "size": size,
        "quorum_needed": session.quorum_needed(size),
        "quorum_met": SimpleLazyObject(lambda: session.quorum_met(len(present), size)),
        "voters": voters,
        "waiting": SimpleLazyObject(lambda: _not_voted(present, voters)),
        "voted": SimpleLazyObject(lambda: len(voters)),
        "caps": SimpleLazyObject(lambda: caps.cap_lines(session.authority, session.year, session)),
        "can_run": request.user.has_perm("awards.run_session", session),
        "online": session.method == CouncilSession.Method.ONLINE,
        "body_cache": fragment_key("awards.session_body", session.results_sha256, session.pk)
        if closed and matches and not session.is_void
        else "",
        "cache_seconds": CACHE_SECONDS,
        "stack": "session",
        "vote": session,
        **voting.board_of(session, request.user),
    }
    if session.status == CouncilSession.Status.OPEN:
        me_present = any(p.pk == request.user.pk for p in present)
        has_voted = any(v.voted_by_id == request.user.pk for v in voters)
        context.update(
            is_present=me_present, has_voted=has_voted, can_vote=me_present and not has_voted
        )
    if closed:
        context["chart"] = SimpleLazyObject(lambda: _chart(session, items))
    return render(request, "awards/sessions/session_detail.html", context)


@require_http_methods(FORM_METHODS)
def session_agenda(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    items = _items(session)
    appraised = (
        Nomination.objects.filter(
            block_year__block__authority=session.authority,
            block_year__year=session.year,
            status=Nomination.Status.APPRAISED,
        )
        .select_related("award_type", "block_year__block")
        .order_by("award_type__position", "block_year__block__name", "unit_name")
    )
    adding = request.method == "POST" and "remove" not in request.POST
    form = AgendaForm(request.POST if adding else None, nominations=appraised)
    if request.method == "POST" and not adding:
        remove = RemoveItemForm({"item": request.POST.get("remove")})
        item = next(
            (i for i in items if remove.is_valid() and i.pk == remove.cleaned_data["item"]), None
        )
        if item is None:
            raise Http404
        _act(
            request,
            lambda: services.remove_from_agenda(item, by=request.user),
            _("%(unit)s was taken off the agenda.") % {"unit": item.nomination.name},
        )
        return redirect("awards:session_agenda", session.pk)
    done = run_form(
        request,
        form,
        lambda data: services.add_to_agenda(session, data["nominations"], by=request.user),
        _("The nominations were put on the agenda."),
    )
    if done:
        return redirect("awards:session_agenda", session.pk)
    nominations = {n.pk: n for n in form.fields["nominations"].queryset}  # type: ignore[attr-defined]
    choices = [
        (widget, nominations[int(str(widget.data["value"]))]) for widget in form["nominations"]
    ]
    return render(
        request,
        "awards/sessions/session_agenda.html",
        {
            "session": session,
            "authority": session.authority,
            "year": session.year,
            "form": form,
            "items": items,
            "choices": choices,
            "editable": session.status == CouncilSession.Status.DRAFT,
            "caps": caps.cap_lines(session.authority, session.year, session),
        },
    )


@require_http_methods(FORM_METHODS)
def session_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    members = services.council_members(session.authority)
    form = AttendanceForm(
        post_data(request),
        members=members,
        initial={"members": [u.pk for u in services.present_members(session)]},
    )
    done = run_form(
        request,
        form,
        lambda data: services.record_attendance(session, data["members"], by=request.user),
        _("The attendance was recorded."),
    )
    if done:
        return redirect(session)
    size = len(form.fields["members"].queryset)  # type: ignore[attr-defined]
    return render(
        request,
        "awards/sessions/session_attendance.html",
        {
            "session": session,
            "authority": session.authority,
            "year": session.year,
            "form": form,
            "size": size,
            "needed": session.quorum_needed(size),
            "editable": session.status == CouncilSession.Status.DRAFT,
        },
    )


@require_http_methods(FORM_METHODS)
def session_open(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    if request.method == "POST":
        _act(
            request,
            lambda: services.open_session(session, by=request.user),
            _("Voting is open; the members present were told by e-mail."),
        )
        return redirect(session)
    size = services.council_members(session.authority).count()
    present = services.present_members(session).count()
    return _confirm(
        request,
        title=_("Open voting in “%(title)s”?") % {"title": session.title},
        message=_(
            "%(present)d of %(size)d council members are recorded present (the quorum needs"
            " %(needed)d). Each of them can then vote once, in secret, on every item of the"
            " agenda. The agenda, attendance and rules can no longer change."
        )
        % {"present": present, "size": size, "needed": session.quorum_needed(size)},
        confirm_label=_("Open voting"),
        cancel_link=session.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def session_vote(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require_for_unit(request, "awards.vote_in_session", session)
    items = _items(session)
    form = SessionVoteForm(post_data(request), items=items)
    receipt = None
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.cast_council_vote(session, by=request.user, choices=form.choices())
        except DomainError as error:
            form.add_domain_error(error)
    if receipt:
        # Shown once, never stored as such: not cached, not put in a message or the session.
        response = render(
            request, "awards/voting/voted.html", {**_as_vote(session), "receipt": receipt}
        )
        add_never_cache_headers(response)
        return response
    mine = services.voters(session).filter(voted_by=request.user).first()
    return render(
        request,
        "awards/sessions/session_vote.html",
        {
            "session": session,
            "authority": session.authority,
            "year": session.year,
            "form": form,
            "my_vote": mine,
        },
    )


@require_http_methods(FORM_METHODS)
def session_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    """Anyone who sees the session may check a receipt code (sent by POST, so that it stays out
    of addresses and server logs)."""
    session = _session(request, pk)
    form = SessionReceiptForm(post_data(request))
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.check_council_receipt(session, form.cleaned_data["code"])
    response = render(
        request,
        "awards/voting/receipt.html",
        {**_as_vote(session), "form": form, "result": result},
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(FORM_METHODS)
def session_close(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    if request.method == "POST":
        _act(
            request,
            lambda: services.close_session(session, by=request.user),
            _(
                "Voting is closed. With the quorum reached, the counting board now counts the"
                " votes; without it, the vote is void and was never counted."
            ),
        )
        return redirect(session)
    voted = services.voters(session).count()
    present = services.present_members(session).count()
    return _confirm(
        request,
        title=_("Close voting in “%(title)s”?") % {"title": session.title},
        message=_(
            "%(voted)d of %(present)d members present have voted (the council has %(size)d"
            " members; the quorum needs %(needed)d votes). Once closed, no one can vote any more"
            " and a session is never reopened. Without the quorum the vote is void: its sealed"
            " ballots are destroyed unopened and no count is ever shown. With it, the counting"
            " board counts the votes with their codes."
        )
        % {
            "voted": voted,
            "present": present,
            "size": session.council_size or 0,
            "needed": session.quorum_needed(session.council_size or 0),
        },
        confirm_label=_("Close voting"),
        cancel_link=session.get_absolute_url(),
        danger=True,
    )


@require_http_methods(FORM_METHODS)
def session_paper(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    items = _items(session)
    size = services.council_members(session.authority).count()
    form = PaperCountsForm(
        post_data(request),
        request.FILES or None,
        items=items,
        initial={"present": services.present_members(session).count() or None},
    )
    done = run_form(
        request,
        form,
        lambda data: services.record_paper_counts(
            session,
            by=request.user,
            present=data["present"],
            counts=form.counts(),
            scan=data["scan"],
        ),
        _("The paper vote was recorded and its results published."),
    )
    if done:
        return redirect(session)
    return render(
        request,
        "awards/sessions/session_paper.html",
        {
            "session": session,
            "authority": session.authority,
            "year": session.year,
            "form": form,
            "size": size,
            "needed": session.quorum_needed(size),
            "recordable": session.method == CouncilSession.Method.PAPER
            and session.status == CouncilSession.Status.DRAFT
            and bool(items),
        },
    )


@require_safe
def session_scan(request: AuthedRequest, pk: int) -> FileResponse:
    session = _session(request, pk)
    if not session.minutes_scan:
        raise Http404
    name = (session.minutes_scan.name or "scan").rsplit("/", 1)[-1]
    return private_download(session.minutes_scan, name=name)


@require_http_methods(FORM_METHODS)
def session_minutes_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(request, "awards.run_session", session)
    chair, secretary = session_minutes.default_signers(session, request.user)
    form = MeetingSignersForm(
        post_data(request), initial={"chair_name": chair, "secretary_name": secretary}
    )
    if request.method == "POST" and form.is_valid():
        _act(
            request,
            lambda: session_minutes.issue_session_minutes(
                session, by=request.user, **form.cleaned_data
            ),
            _("The session minutes were issued."),
        )
        return redirect(session)
    return form_page(
        request,
        form,
        title=_("Issue the minutes of “%(title)s”?") % {"title": session.title},
        intro=_(
            "A PDF in the official format is issued once, with a verification code: the council's"
            " size and the members present, the quorum, and for every item its block, award,"
            " counts, share needed, outcome and the caps applied, with the SHA-256 of the results."
            " It is signed by the session's chair and secretary."
        ),
        submit_label=_("Issue the minutes"),
        cancel_link=session.get_absolute_url(),
    )


@require_safe
def session_minutes_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    session = _session(request, pk)
    if session.minutes is None:
        raise Http404
    issued = session.minutes
    return file_response(issued, filename=f"bien-ban-phien-hop-{session.year}-{issued.code}.pdf")


urlpatterns: list[URLPattern] = [
    path("council/<id:authority>/<int:year>/sessions/", session_list, name="session_list"),
    path(
        "council/<id:authority>/<int:year>/sessions/new/",
        session_create,
        name="session_create",
    ),
    path("council/sessions/<id:pk>/", session_detail, name="session_detail"),
    path("council/sessions/<id:pk>/agenda/", session_agenda, name="session_agenda"),
    path("council/sessions/<id:pk>/attendance/", session_attendance, name="session_attendance"),
    path("council/sessions/<id:pk>/open/", session_open, name="session_open"),
    path("council/sessions/<id:pk>/vote/", session_vote, name="session_vote"),
    path("council/sessions/<id:pk>/receipt/", session_receipt, name="session_receipt"),
    path("council/sessions/<id:pk>/close/", session_close, name="session_close"),
    path("council/sessions/<id:pk>/paper/", session_paper, name="session_paper"),
    path("council/sessions/<id:pk>/scan/", session_scan, name="session_scan"),
    path("council/sessions/<id:pk>/minutes/", session_minutes_issue, name="session_minutes_issue"),
    path("council/sessions/<id:pk>/minutes.pdf", session_minutes_pdf, name="session_minutes_pdf"),
]
