"""The block-year dashboard: the twelve steps of the yearly cycle as a timeline.

There is no stored phase: each step's state is derived from the artefacts of the app that owns it.
Apps above this one register a provider for their steps (`register_step`); a step nobody provides
yet is shown as not yet available.

The page reads the year with its block's other years in one query and decides who may see it
from what it reads anyway (`year_and_years`, `sees_block_year`); each app's steps share one query;
the timeline and the list of members are written in Python (`timeline_html`, `members_html`).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.models import BlockYear, Contribution, JointActivity, Membership
from blocks.rules import council_roles_of, unit_roles_of
from emulation.models import User
from emulation.rendering import show


@dataclass
class StepState:
    status: str  # "done", "active", "waiting", "unavailable"
    summary: str | Promise = ""
    deadline: datetime.date | None = None
    actions: list[tuple[str | Promise, str]] = field(default_factory=list)  # (label, url)
    detail_template: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepDefinition:
    number: int
    title: str | Promise
    when: str | Promise
    who: str | Promise


STEPS = [
    StepDefinition(
        1, _("Hand-over and membership"), _("December – February"), _("Council staff, new head")
    ),
    StepDefinition(
        2,
        _("Rules, plan, criteria and covenant"),
        _("January – March"),
        _("Head drafts, members comment"),
    ),
    StepDefinition(3, _("Registration of targets"), _("January – March"), _("Each unit")),
    StepDefinition(4, _("Covenant signing"), _("January – March"), _("Unit leaders")),
    StepDefinition(5, _("Joint activities and mid-year review"), _("All year"), _("Head, members")),
    StepDefinition(
        6, _("Self-assessment with evidence"), _("November – December"), _("Unit officers, leaders")
    ),
    StepDefinition(7, _("Review of scores"), _("November – December"), _("Head, deputies")),
    StepDefinition(8, _("Ranking"), _("December – January"), _("Block meeting")),
    StepDefinition(
        9,
        _("Deliberation and secret ballot"),
        _("December – January"),
        _("One vote per member unit"),
    ),
    StepDefinition(10, _("Nomination dossiers"), _("By the council's deadline"), _("Head")),
    StepDefinition(11, _("Council review"), _("December – March"), _("Council staff and members")),
    StepDefinition(12, _("Award decision"), _("First half of the year"), _("Authority")),
]

StepProvider = Callable[[BlockYear, User], StepState]
_providers: dict[int, StepProvider] = {}


def register_step(number: int, provider: StepProvider) -> None:
    _providers[number] = provider


# The deadline of the year that closes each step, shown even before the step's app provides it.
STEP_DEADLINES = {
    4: "signing_deadline",
    6: "self_assessment_deadline",
    7: "review_deadline",
    9: "ballot_deadline",
    10: "dossier_deadline",
}


def timeline(block_year: BlockYear, user: User) -> list[tuple[StepDefinition, StepState]]:
    result = []
    for step in STEPS:
        provider = _providers.get(step.number)
        state = (
            provider(block_year, user)
            if provider
            else StepState("unavailable", _("This step is not available in the software yet."))
        )
        if state.deadline is None and step.number in STEP_DEADLINES:
            state.deadline = getattr(block_year, STEP_DEADLINES[step.number])
        result.append((step, state))
    return result


def sees_block_year(user: User, block_year: BlockYear) -> bool:
    """Whether the year's block is among `Block.objects.for_user(user)`: the site administrator,
    anyone on the authority's council, and the people of any unit that is or was a member of any
    of the block's years. Answered from the person's roles (read once per request) and the year's
    members (prefetched, when they are); only someone whose units sat in other years of the block
    but not in this one costs a query."""
    if user.is_superuser or block_year.block.authority_id in council_roles_of(user):
        return True
    units = unit_roles_of(user)
    if not units:
        return False
    members = getattr(block_year, "_prefetched_objects_cache", {}).get("memberships")
    if members is not None and any(m.unit_id in units for m in members):
        return True
    return Membership.objects.filter(
        block_year__block=block_year.block_id, unit__in=list(units)
    ).exists()


def year_and_years(
    user: User, pk: int, *prefetches: str | Prefetch[Any]
) -> tuple[BlockYear, list[tuple[int, int]]]:
    """The block year the dashboard shows (its block and authority joined, then the
    `prefetches`) with every year of its block as `(pk, year)`, latest first, for the links to
    them: one query for the years where the page asked for the year and then for the others.
    404 when there is no such year, or when the person may not see its block (`sees_block_year`,
    which asks no more than the page reads anyway)."""
    years = list(
        BlockYear.objects.filter(block__years=pk)
        .select_related("block__authority")
        .order_by("-year")
    )
    block_year = next((year for year in years if year.pk == pk), None)
    if block_year is not None:
        prefetch_related_objects([block_year], *prefetches)
    if block_year is None or not sees_block_year(user, block_year):
        raise Http404(f"No {BlockYear._meta.object_name} matches the given query.")
    return block_year, [(year.pk, year.year) for year in years]


def url_maker(name: str) -> Callable[[int], str]:
    """`pk -> url` of a view taking one id, reversing once instead of once per row."""
    marker = 2_147_483_647
    head, tail = reverse(name, args=[marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def can_manage(block_year: BlockYear, user: User) -> bool:
    """`blocks.manage_blockyear` on the year, asked once per person and year (kept on the block
    year): the first step, the activities step and the page all show what it allows."""
    cached = getattr(block_year, "_can_manage", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, user.has_perm("blocks.manage_blockyear", block_year))
        block_year._can_manage = cached  # type: ignore[attr-defined]
    return bool(cached[1])


def member_rows(block_year: BlockYear, manage: bool) -> list[dict[str, Any]]:
    """The year's memberships as the dashboard lists them, prepared once in Python (links,
    labels, dates) rather than per row in the template. Each date is formatted once: most
    members joined on the same day."""
    unit_url = url_maker("blocks:unit_detail")
    end_url = url_maker("blocks:membership_end")
    roles = dict(Membership.Role.choices)
    dates: dict[datetime.date, str] = {}

    def day(value: datetime.date) -> str:
        if value not in dates:
            dates[value] = date_format(value, "SHORT_DATE_FORMAT")
        return dates[value]

    return [
        {
            "url": unit_url(m.unit_id),
            "name": m.unit_name,
            "role": "" if m.role == Membership.Role.MEMBER else roles[m.role],
            "joined_on": day(m.joined_on),
            "left_on": day(m.left_on) if m.left_on else "",
            "note": m.note,
            "end_url": end_url(m.pk)
            if manage and not m.left_on and m.role != Membership.Role.HEAD
            else "",
        }
        for m in block_year.memberships.all()
    ]


# The timeline's badge for each status: its classes and its word (the template's translations).
BADGES: dict[str, tuple[str, str | Promise]] = {
    "done": ("text-bg-success", _("Done")),
    "active": ("text-bg-primary", _("In progress")),
    "waiting": ("text-bg-light border", _("Not started")),
}
OTHER_BADGE: tuple[str, str | Promise] = ("text-bg-secondary", _("Not available yet"))
CHECK = '<i class="bi bi-check-lg"></i>'


def _text(value: Any) -> str:
    """`show` for text that may be a lazy translation, translated once (asking the lazy object
    whether it is markup, then for its text, translates it each time)."""
    return show(str(value) if isinstance(value, Promise) else value)


def timeline_html(steps: list[tuple[StepDefinition, StepState]]) -> SafeString:
    """The timeline's items, written in Python as the page's template loop wrote them (twelve
    steps of a dozen tags each were a fifth of the page's time; tests/blocks/test_dashboard_html.py
    keeps the loop and compares). Every value is written as `{{ value }}` writes it (`show`)."""
    deadline_word = _text(_("deadline"))
    items = []
    for step, state in steps:
        status = state.status
        badge, word = BADGES.get(status, OTHER_BADGE)
        number = show(step.number)
        when = f"{_text(step.when)} · {_text(step.who)}"
        if state.deadline:
            deadline = date_format(state.deadline, "SHORT_DATE_FORMAT")
            when += f" · {deadline_word} {show(deadline)}"
        summary = f'<div class="small mt-1">{_text(state.summary)}</div>' if state.summary else ""
        detail = (
            render_to_string(state.detail_template, {"detail": state.detail})
            if state.detail_template
            else ""
        )
        actions = ""
        if state.actions:
            links = "".join(
                f'<a class="btn btn-sm {"btn-outline-primary" if index else "btn-primary"}"'
                f' href="{show(url)}">{_text(label)}</a>'
                for index, (label, url) in enumerate(state.actions)
            )
            actions = (
                '\n        <div class="mt-2 d-flex flex-wrap gap-2">'
                f"\n          {links}"
                "\n        </div>\n        "
            )
        items.append(
            f'\n      <li class="step-{show(status)}">'
            '\n        <span class="step-number" aria-hidden="true">'
            f"{CHECK if status == 'done' else number}</span>"
            '\n        <div class="d-flex justify-content-between align-items-start gap-2">'
            f'\n          <h3 class="h6 mb-0">{number}. {_text(step.title)}</h3>'
            f'\n          <span class="badge text-nowrap {badge}">'
            f"\n            {_text(word)}"
            "\n          </span>"
            "\n        </div>"
            f'\n        <div class="small text-secondary">{when}</div>'
            f"\n        {summary}"
            f"\n        {detail}"
            f"\n        {actions}"
            "\n      </li>"
            "\n    "
        )
    return mark_safe("".join(items))  # every value above is escaped


def members_html(rows: list[dict[str, Any]]) -> SafeString:
    """The list of member units (`member_rows`), written in Python as the page's template loop
    wrote it (tests/blocks/test_dashboard_html.py keeps the loop and compares)."""
    if not rows:
        return mark_safe(
            '\n        <li class="list-group-item text-secondary">'
            f"{_text(_('No member yet.'))}</li>\n      "
        )
    since, until, leaves = _text(_("from")), _text(_("until")), _text(_("Leaves"))
    items = []
    for m in rows:
        role = f'<span class="badge text-bg-warning">{_text(m["role"])}</span>' if m["role"] else ""
        left = f" {until} {show(m['left_on'])}" if m["left_on"] else ""
        note = f" · {show(m['note'])}" if m["note"] else ""
        end = (
            f'<a class="btn btn-sm btn-link text-danger" href="{show(m["end_url"])}">{leaves}</a>'
            if m["end_url"]
            else ""
        )
        items.append(
            '\n        <li class="list-group-item d-flex justify-content-between'
            f' align-items-start{" text-secondary" if m["left_on"] else ""}">'
            '\n          <div class="ms-2 me-auto">'
            f'\n            <a href="{show(m["url"])}">{show(m["name"])}</a>'
            f"\n            {role}"
            f'\n            <div class="small text-secondary">{since} {show(m["joined_on"])}'
            f"{left}{note}</div>"
            "\n          </div>"
            f"\n          {end}"
            "\n        </li>"
            "\n      "
        )
    return mark_safe("".join(items))  # every value above is escaped


def membership_step(block_year: BlockYear, user: User) -> StepState:
    """Step 1 is done when the year has a head and at least one other current member."""
    members = [m for m in block_year.memberships.all() if m.left_on is None]
    head = next((m for m in members if m.role == Membership.Role.HEAD), None)
    actions: list[tuple[str | Promise, str]] = []
    if can_manage(block_year, user):
        actions = [
            (_("Add a member"), reverse("blocks:membership_add", args=[block_year.pk])),
            (_("Head and deputies"), reverse("blocks:blockyear_leadership", args=[block_year.pk])),
            (_("Theme and deadlines"), reverse("blocks:blockyear_edit", args=[block_year.pk])),
        ]
    summary: str | Promise
    if head is None:
        status, summary = "active", _("The year has no block head yet.")
    elif len(members) < 2:
        status, summary = "active", _("The block needs more members.")
    else:
        status = "done"
        summary = ngettext(
            "%(count)d member unit; head: %(head)s.",
            "%(count)d member units; head: %(head)s.",
            len(members),
        ) % {"count": len(members), "head": head.unit_name}
    return StepState(status, summary, actions=actions)


@functools.cache
def _activities_sql() -> str:
    """The year's joint activities in their order (`JointActivity.Meta.ordering`) with the books
    and money contributed, as `with_totals` sums them. Composed once per process: the queryset's
    grouped sums took longer to build than to run."""
    return f"""
SELECT activity.*,
    COALESCE(SUM(contribution.books), 0) AS total_books,
    COALESCE(SUM(contribution.money_vnd), 0) AS total_money
FROM {JointActivity._meta.db_table} activity
LEFT JOIN {Contribution._meta.db_table} contribution ON contribution.activity_id = activity.id
WHERE activity.block_year_id = %s
GROUP BY activity.id
ORDER BY activity.date, activity.id"""


def activities_with_totals(block_year: BlockYear) -> list[JointActivity]:
    """The year's joint activities with `total_books` and `total_money` (whole numbers, as the
    queryset gives them: PostgreSQL sums big integers as decimals)."""
    activities = list(JointActivity.objects.raw(_activities_sql(), [block_year.pk]))
    for activity in activities:
        activity.total_books = int(activity.total_books)  # type: ignore[attr-defined]
        activity.total_money = int(activity.total_money)  # type: ignore[attr-defined]
        activity.block_year = block_year
    return activities


def activities_step(block_year: BlockYear, user: User) -> StepState:
    activities = activities_with_totals(block_year)
    actions: list[tuple[str | Promise, str]] = []
    # Whoever manages the year also runs its activities (both end with "not archived"), so the
    # rule's own queries are only needed for the others.
    if can_manage(block_year, user) or user.has_perm("blocks.run_activities", block_year):
        actions = [
            (_("Add a joint activity"), reverse("blocks:activity_create", args=[block_year.pk]))
        ]
    summary: str | Promise
    if activities:
        summary = ngettext(
            "%(count)d joint activity recorded.",
            "%(count)d joint activities recorded.",
            len(activities),
        ) % {"count": len(activities)}
        status = "active" if block_year.year >= timezone.localdate().year else "done"
    else:
        status, summary = "waiting", _("No joint activity recorded yet.")
    return StepState(
        status,
        summary,
        actions=actions,
        detail_template="blocks/_activities.html",
        detail={"activities": activities},
    )


register_step(1, membership_step)
register_step(5, activities_step)
