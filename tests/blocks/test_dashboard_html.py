"""The dashboard's timeline and list of members, written in Python (`blocks.dashboard.timeline_html`,
`members_html`), are the markup their template loops wrote: the former loops are kept here and
rendered beside them, in both languages, on the steps of real years and on made-up steps and
rows with every branch and characters to escape. The activities the timeline shows, read in one
hand-written statement, are those `with_totals` gives."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Prefetch
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from blocks import dashboard
from blocks.dashboard import StepDefinition, StepState
from blocks.models import BlockYear, Membership, UnitName
from tests.factories import (
    YEAR,
    World,
    grow,
    make_activity,
    make_covenant,
    make_leaders,
    make_sent_dossier,
)

# The loops of templates/blocks/blockyear_detail.html before they moved to blocks.dashboard.
TIMELINE = """{% translate "Done" as done %}{% translate "In progress" as in_progress %}{% translate "Not started" as not_started %}{% translate "Not available yet" as not_available %}{% translate "deadline" as deadline %}{% for step, state in steps %}
      <li class="step-{{ state.status }}">
        <span class="step-number" aria-hidden="true">{% if state.status == "done" %}<i class="bi bi-check-lg"></i>{% else %}{{ step.number }}{% endif %}</span>
        <div class="d-flex justify-content-between align-items-start gap-2">
          <h3 class="h6 mb-0">{{ step.number }}. {{ step.title }}</h3>
          <span class="badge text-nowrap {% if state.status == 'done' %}text-bg-success{% elif state.status == 'active' %}text-bg-primary{% elif state.status == 'waiting' %}text-bg-light border{% else %}text-bg-secondary{% endif %}">
            {% if state.status == "done" %}{{ done }}{% elif state.status == "active" %}{{ in_progress }}{% elif state.status == "waiting" %}{{ not_started }}{% else %}{{ not_available }}{% endif %}
          </span>
        </div>
        <div class="small text-secondary">{{ step.when }} · {{ step.who }}{% if state.deadline %} · {{ deadline }} {{ state.deadline|date:"SHORT_DATE_FORMAT" }}{% endif %}</div>
        {% if state.summary %}<div class="small mt-1">{{ state.summary }}</div>{% endif %}
        {% if state.detail_template %}{% include state.detail_template with detail=state.detail %}{% endif %}
        {% if state.actions %}
        <div class="mt-2 d-flex flex-wrap gap-2">
          {% for label, url in state.actions %}<a class="btn btn-sm {% if forloop.first %}btn-primary{% else %}btn-outline-primary{% endif %}" href="{{ url }}">{{ label }}</a>{% endfor %}
        </div>
        {% endif %}
      </li>
    {% endfor %}"""

MEMBERS = """{% translate "from" as from %}{% translate "until" as until %}{% translate "Leaves" as leaves %}{% for m in memberships %}
        <li class="list-group-item d-flex justify-content-between align-items-start{% if m.left_on %} text-secondary{% endif %}">
          <div class="ms-2 me-auto">
            <a href="{{ m.url }}">{{ m.name }}</a>
            {% if m.role %}<span class="badge text-bg-warning">{{ m.role }}</span>{% endif %}
            <div class="small text-secondary">{{ from }} {{ m.joined_on }}{% if m.left_on %} {{ until }} {{ m.left_on }}{% endif %}{% if m.note %} · {{ m.note }}{% endif %}</div>
          </div>
          {% if m.end_url %}<a class="btn btn-sm btn-link text-danger" href="{{ m.end_url }}">{{ leaves }}</a>{% endif %}
        </li>
      {% empty %}
        <li class="list-group-item text-secondary">{% translate "No member yet." %}</li>
      {% endfor %}"""

AWKWARD = '<b>Tom & Jerry\'s "club"</b>'


def template_wrote(source: str, **context: Any) -> str:
    return engines["django"].from_string(source).render(context)


def year_as_the_page_reads_it(world: World) -> BlockYear:
    memberships = Membership.objects.select_related("unit").prefetch_related(
        Prefetch("unit__former_names", queryset=UnitName.objects.all())
    )
    return (
        BlockYear.objects.select_related("block__authority")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .get(pk=world.block_year.pk)
    )


def made_up_steps(world: World) -> list[tuple[StepDefinition, StepState]]:
    """A step of every status, with and without deadline, summary, activities and actions,
    and text to escape."""
    activities = dashboard.activities_with_totals(world.block_year)
    empty = make_activity(world.block_year)
    steps = [
        StepState("done", mark_safe("<em>already markup</em>")),
        StepState(
            "active",
            AWKWARD,
            deadline=datetime.date(YEAR, 3, 31),
            actions=[(AWKWARD, "/a?b=1&c='2'"), ("Second", "/b/"), ("Third", "/c/")],
        ),
        StepState(
            "waiting",
            "",
            detail_template="blocks/_activities.html",
            detail={"activities": [*activities, empty]},
        ),
        StepState("unavailable", "", actions=[("Only", "/only/")]),
        StepState("whatever", "No badge of its own"),
    ]
    definitions = [
        StepDefinition(number, AWKWARD if number == 2 else title, "Jan & Feb", "<who>")
        for number, title in enumerate(["One", "Two", "Three", "Four", "Five"], start=1)
    ]
    return list(zip(definitions, steps, strict=True))


def real_steps(world: World, role: str) -> list[tuple[StepDefinition, StepState]]:
    user = world.user(role)
    assert user is not None
    return dashboard.timeline(year_as_the_page_reads_it(world), user)


SETUPS: dict[str, Callable[[World], Any]] = {
    "a new year": lambda world: None,
    "a covenant open for signing": lambda world: (
        make_covenant(world, status="signing"),
        make_leaders(world),
    ),
    "a dossier sent to the council": make_sent_dossier,
    "a grown province": grow,
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_the_timeline_is_what_the_template_wrote(world: World, setup: str, language: str) -> None:
    SETUPS[setup](world)
    with translation.override(language):
        for role in ("staff", "secretariat", "leader", "admin"):
            steps = real_steps(world, role)
            assert dashboard.timeline_html(steps) == template_wrote(TIMELINE, steps=steps)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_made_up_steps_are_written_as_the_template_wrote_them(world: World, language: str) -> None:
    with translation.override(language):
        steps = made_up_steps(world)
        written = dashboard.timeline_html(steps)
        assert written == template_wrote(TIMELINE, steps=steps)
        assert "&lt;b&gt;Tom &amp; Jerry&#x27;s &quot;club&quot;&lt;/b&gt;" in written
        assert "<em>already markup</em>" in written


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("manage", [True, False])
def test_the_members_are_what_the_template_wrote(world: World, language: str, manage: bool) -> None:
    grow(world)
    Membership.objects.filter(unit=world.units[3]).update(
        left_on=datetime.date(YEAR, 6, 30), note=AWKWARD
    )
    with translation.override(language):
        rows = dashboard.member_rows(year_as_the_page_reads_it(world), manage)
        assert any(row["left_on"] for row in rows) and any(row["end_url"] for row in rows) == manage
        made_up = [{**rows[0], "name": AWKWARD, "url": "/u?a=1&b=2", "end_url": "/e?x=<1>"}]
        for these in (rows, made_up, []):
            assert dashboard.members_html(these) == template_wrote(MEMBERS, memberships=these)


def test_the_activities_statement_gives_what_with_totals_gives(world: World) -> None:
    grow(world)
    make_activity(world.block_year)  # no contribution: totals of nought
    make_activity(world.block_year, (world.units[0], 3, 4_000_000_000))  # beyond 32 bits
    expected = [
        (a.pk, a.title, a.date, a.total_books, a.total_money)  # type: ignore[attr-defined]
        for a in world.block_year.activities.with_totals()
    ]
    assert len(expected) == 4
    got = dashboard.activities_with_totals(BlockYear.objects.get(pk=world.block_year.pk))
    assert [
        (a.pk, a.title, a.date, a.total_books, a.total_money)  # type: ignore[attr-defined]
        for a in got
    ] == expected
    assert all(type(a.total_money) is int for a in got)  # type: ignore[attr-defined]
