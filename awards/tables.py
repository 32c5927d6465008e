"""Tables of the awards app: the council's list of nominations and its statistics."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination
from awards.statistics import percent

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


def status_badge(record: Nomination) -> dict[str, str]:
    """The badge colour of a nomination's status, for the status column's template."""
    return {"badge": STATUS_BADGES.get(record.status, "text-bg-secondary")}


class IntakeTable(tables.Table):
    """The nominations of an authority's blocks in a year, as the council holds them."""

    unit_name = tables.TemplateColumn(
        template_name="awards/tables/_unit_name.html", verbose_name=_("Unit")
    )
    block = tables.Column(
        verbose_name=_("Block"),
        accessor="block_year__block__name",
        order_by=("block_year__block__name", "unit_name"),
    )
    award_type = tables.Column(
        verbose_name=_("Award"), order_by=("award_type__position", "award_type__code")
    )
    status = tables.TemplateColumn(
        template_name="awards/tables/_status.html",
        extra_context=status_badge,
        verbose_name=_("Status"),
    )
    submitted_at = tables.DateTimeColumn(
        verbose_name=_("Sent"), format="SHORT_DATE_FORMAT", attrs={"td": {"class": "text-nowrap"}}
    )
    deadline = tables.TemplateColumn(
        template_name="awards/tables/_deadline.html",
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

    def render_award_type(self, record: Nomination) -> str:
        return record.award_type.name


NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class CountsTable(tables.Table):
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

    def render_approval_rate(self, value: float | None) -> str:
        return percent(value)

    def order_approval_rate(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        rows = sorted(
            queryset,
            key=lambda r: (r["approval_rate"] is None, r["approval_rate"] or 0),
            reverse=is_descending,
        )
        return rows, True
