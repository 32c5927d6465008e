"""The block-year dashboard: the twelve steps of the yearly cycle as a timeline.

There is no stored phase: each step's state is derived from the artefacts of the app that owns it.
Apps above this one register a provider for their steps (`register_step`); a step nobody provides
yet is shown as not yet available.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.models import BlockYear, Membership
from emulation.models import User


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

# A provider gives the states of the steps its app owns, by number, reading what they share once.
StepsProvider = Callable[[BlockYear, User], Mapping[int, StepState]]


@dataclass(frozen=True)
class Provider:
    steps: StepsProvider
    # The step that must be done before these can start, and their states until it is, given
    # without reading anything.
    after: int | None = None
    waiting: StepsProvider | None = None


_providers: list[Provider] = []


def register_steps(
    provider: StepsProvider, *, after: int | None = None, waiting: StepsProvider | None = None
) -> None:
    """Register an app's steps; with `after`, `waiting` gives them until step `after` is done
    (the providers are asked in the apps' order, so `after` is an earlier app's step)."""
    if all(known.steps is not provider for known in _providers):
        _providers.append(Provider(provider, after, waiting))


# The deadline of the year that closes each step, shown even before the step's app provides it.
STEP_DEADLINES = {
    4: "signing_deadline",
    6: "self_assessment_deadline",
    7: "review_deadline",
    9: "ballot_deadline",
    10: "dossier_deadline",
}


def timeline(block_year: BlockYear, user: User) -> list[tuple[StepDefinition, StepState]]:
    states: dict[int, StepState] = {}
    for provider in _providers:
        earlier = states.get(provider.after) if provider.after is not None else None
        if provider.waiting is not None and (earlier is None or earlier.status != "done"):
            states.update(provider.waiting(block_year, user))
        else:
            states.update(provider.steps(block_year, user))
    result = []
    for step in STEPS:
        state = states.get(step.number) or StepState(
            "unavailable", _("This step is not available in the software yet.")
        )
        if state.deadline is None and step.number in STEP_DEADLINES:
            state.deadline = getattr(block_year, STEP_DEADLINES[step.number])
        result.append((step, state))
    return result


def membership_step(block_year: BlockYear, user: User) -> StepState:
    """Step 1 is done when the year has a head and at least one other current member."""
    members = [m for m in block_year.memberships.all() if m.left_on is None]
    head = next((m for m in members if m.role == Membership.Role.HEAD), None)
    actions: list[tuple[str | Promise, str]] = []
    if user.has_perm("blocks.manage_blockyear", block_year):
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


def activities_step(block_year: BlockYear, user: User) -> StepState:
    activities = list(block_year.activities.with_totals())
    actions: list[tuple[str | Promise, str]] = []
    if user.has_perm("blocks.run_activities", block_year):
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


def steps(block_year: BlockYear, user: User) -> dict[int, StepState]:
    return {1: membership_step(block_year, user), 5: activities_step(block_year, user)}


register_steps(steps)
