"""Tables of the awards app: the council's list of nominations and its statistics."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination, PersonProposal


class IntakeTable(tables.Table):
    """The nominations of an authority's blocks in a year, as the council holds them."""

    unit_name = tables.Column(verbose_name=_("Unit"), order_by=("unit_name", "person_name"))
    block = tables.Column(
        verbose_name=_("Block"),
        accessor="block_year__block__name",
        order_by=("block_year__block__name", "unit_name"),
    )
    award_type = tables.Column(
        verbose_name=_("Award"), order_by=("award_type__position", "award_type__code")
    )
    status = tables.Column(verbose_name=_("Status"))
    submitted_at = tables.DateTimeColumn(
        verbose_name=_("Sent"), format="SHORT_DATE_FORMAT", attrs={"td": {"class": "text-nowrap"}}
    )
    deadline = tables.Column(
        verbose_name=_("Deadline"),
        accessor="block_year__dossier_deadline",
        attrs={"td": {"class": "text-nowrap"}},
        default="—",
    )

    class Meta:
        model = Nomination
        # The columns give the header and the orders; the rows are written by the template, one
        # template per row rather than one per cell.
        template_name = "awards/tables/intake.html"
        # A card per nomination on a phone (see app.css).
        attrs = {"class": "table table-hover align-middle table-cards intake-cards"}
        fields: tuple[str, ...] = ()
        sequence = ("unit_name", "block", "award_type", "status", "submitted_at", "deadline")
        empty_text = _("No nomination matches.")


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
        template_name = "awards/tables/counts.html"
        empty_text = _("No nomination was sent this year.")
        # A card per row on a phone (see app.css).
        attrs = {"class": "table table-sm table-hover align-middle table-cards"}

    def __init__(self, data: Any, *, heading: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.columns["label"].column.verbose_name = heading

    def order_approval_rate(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        rows = sorted(
            queryset,
            key=lambda r: (r["approval_rate"] is None, r["approval_rate"] or 0),
            reverse=is_descending,
        )
        return rows, True


class YearsTable(tables.Table):
    """One row per year of an authority (a list of dicts, sorted in Python: no query)."""

    year = tables.Column(verbose_name=_("Year"))
    blocks = tables.Column(verbose_name=_("Blocks"), attrs=NUMERIC)
    members = tables.Column(verbose_name=_("Member units"), attrs=NUMERIC)
    signed = tables.Column(verbose_name=_("Signed the covenant"), attrs=NUMERIC)
    sheets_final = tables.Column(verbose_name=_("Scoring sheets final"), attrs=NUMERIC)
    rankings = tables.Column(verbose_name=_("Rankings published"), attrs=NUMERIC)
    sent = tables.Column(verbose_name=_("Nominations sent"), attrs=NUMERIC)
    awarded = tables.Column(verbose_name=_("Awarded"), attrs=NUMERIC)

    class Meta:
        template_name = "awards/tables/years.html"
        empty_text = _("The authority has no emulation year yet.")
        attrs = {"class": "table table-sm table-hover align-middle table-cards"}


class ProposalTable(tables.Table):
    """The people member units proposed in a block year, per award."""

    award_type = tables.Column(
        verbose_name=_("Award"), order_by=("award_type__position", "person_name")
    )
    person_name = tables.Column(verbose_name=_("Person"))
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name", "person_name"))
    proposed_at = tables.DateTimeColumn(verbose_name=_("Proposed"), format="SHORT_DATE_FORMAT")
    withdrawn_at = tables.Column(verbose_name=_("Status"), order_by=("withdrawn_at",))

    class Meta:
        model = PersonProposal
        fields = ["award_type", "person_name", "unit", "proposed_at", "withdrawn_at"]
        template_name = "awards/tables/proposals.html"
        order_by = "award_type"
        empty_text = _("No one is proposed.")
