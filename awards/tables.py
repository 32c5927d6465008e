"""Tables of the awards app: the council's list of nominations and its statistics."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination
from awards.statistics import percent
from blocks.dashboard import url_maker
from emulation.tables import Table

STATUS_BADGES: dict[str, str] = {
    Nomination.Status.SUBMITTED: "text-bg-info",
    Nomination.Status.RETURNED: "text-bg-warning",
    Nomination.Status.RECEIVED: "text-bg-secondary",
    Nomination.Status.APPRAISED: "text-bg-success",
    Nomination.Status.SCHEDULED: "text-bg-dark",
    Nomination.Status.APPROVED: "text-bg-success",
    Nomination.Status.REJECTED: "text-bg-danger",
    Nomination.Status.AWARDED: "text-bg-success",
}


def status_badge(nomination: Nomination) -> SafeString:
    css = STATUS_BADGES.get(nomination.status, "text-bg-secondary")
    # The enum's label, not `get_status_display()`, which hashes every label of the field.
    label = Nomination.Status(nomination.status).label
    return format_html('<span class="badge {}">{}</span>', css, label)


class IntakeTable(Table):
    """The nominations of an authority's blocks in a year, as the council holds them."""

    unit_name = tables.Column(verbose_name=_("Unit"))
    block = tables.Column(
        verbose_name=_("Block"),
        accessor="block_year__block__name",
        order_by=("block_year__block__name", "unit_name"),
    )
    award_type = tables.Column(
        verbose_name=_("Award"), order_by=("award_type__position", "award_type__code")
    )
    status = tables.Column(verbose_name=_("Status"))
    submitted_at = tables.Column(verbose_name=_("Sent"), attrs={"td": {"class": "text-nowrap"}})
    deadline = tables.Column(
        verbose_name=_("Deadline"),
        accessor="block_year__dossier_deadline",
        attrs={"td": {"class": "text-nowrap"}},
        default="—",
    )

    class Meta:
        model = Nomination
        fields: tuple[str, ...] = ()
        sequence = ("unit_name", "block", "award_type", "status", "submitted_at", "deadline")
        empty_text = _("No nomination matches.")

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        # Cells many rows share, written once per table: rows are sent on a few days, in a few
        # statuses, to a few deadlines.
        self._days: dict[datetime.date, str] = {}
        self._badges: dict[str, SafeString] = {}
        self._deadlines: dict[tuple[datetime.date, bool], SafeString] = {}

    @cached_property
    def nomination_url(self) -> Callable[[int], str]:
        return url_maker("awards:intake_detail")

    def render_unit_name(self, value: str, record: Nomination) -> SafeString:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>', self.nomination_url(record.pk), value
        )

    def render_submitted_at(self, value: datetime.datetime) -> str:
        # As `{{ value|date:"SHORT_DATE_FORMAT" }}` would, without a template per cell (a date
        # format: the local day is all it shows).
        day = template_localtime(value).date()
        if day not in self._days:
            self._days[day] = date_format(day, "SHORT_DATE_FORMAT")
        return self._days[day]

    def value_submitted_at(self, value: datetime.datetime | None) -> str:
        return value.isoformat(sep=" ") if value else ""

    def render_award_type(self, record: Nomination) -> str:
        return record.award_type.name

    def render_status(self, record: Nomination) -> SafeString:
        if record.status not in self._badges:
            self._badges[record.status] = status_badge(record)
        return self._badges[record.status]

    def render_deadline(self, value: Any, record: Nomination) -> SafeString:
        key = (value, bool(getattr(record, "sent_late", False)))
        if key not in self._deadlines:
            day = value.strftime("%d/%m/%Y")
            if key[1]:
                self._deadlines[key] = format_html(
                    '{} <span class="badge text-bg-danger">{}</span>', day, _("sent late")
                )
            else:
                self._deadlines[key] = format_html("{}", day)
        return self._deadlines[key]


NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class CountsTable(Table):
    """One row per award type or block (a list of dicts: sorted in Python, no query)."""

    label = tables.Column(verbose_name="")
    sent = tables.Column(verbose_name=_("Sent"), attrs=NUMERIC)
    in_review = tables.Column(verbose_name=_("Under review"), attrs=NUMERIC)
    returned = tables.Column(verbose_name=_("Returned"), attrs=NUMERIC)
    approved = tables.Column(verbose_name=_("Approved"), attrs=NUMERIC)
    rejected = tables.Column(verbose_name=_("Not approved"), attrs=NUMERIC)
    awarded = tables.Column(verbose_name=_("Awarded"), attrs=NUMERIC)
    approval_rate = tables.Column(verbose_name=_("Approval rate"), attrs=NUMERIC)

    class Meta:
        empty_text = _("No nomination was sent this year.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def __init__(self, data: Any, *, heading: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.columns["label"].column.verbose_name = heading
        self._rates: dict[float | None, str] = {}  # rows share a few rates (none, all, half)

    def render_approval_rate(self, value: float | None) -> str:
        if value not in self._rates:
            self._rates[value] = percent(value)
        return self._rates[value]

    def order_approval_rate(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        rows = sorted(
            queryset,
            key=lambda r: (r["approval_rate"] is None, r["approval_rate"] or 0),
            reverse=is_descending,
        )
        return rows, True
