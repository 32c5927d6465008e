"""Tables of the covenants app."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from covenants.models import Registration


class RegistrationReviewTable(tables.Table):
    """The registrations of an authority's blocks for a year, for the council to review; the
    first column chooses rows for approving or returning in one go."""

    # The row template draws each row's box (only those awaiting the council can be ticked).
    item = tables.Column(accessor="pk", verbose_name=_("Choose"), orderable=False)
    block = tables.Column(verbose_name=_("Block"), accessor="block_year__block__name")
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name")
    aims = tables.Column(verbose_name=_("Titles and awards aimed for"), orderable=False)
    targets = tables.Column(verbose_name=_("Targets"), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    updated_at = tables.Column(verbose_name=_("Updated"))

    class Meta:
        model = Registration
        fields = ["item", "block", "unit", "aims", "targets", "status", "updated_at"]
        template_name = "covenants/tables/registrations.html"
        order_by = ("block", "unit")
        empty_text = _("No registration matches.")
        attrs = {"class": "table table-sm align-middle table-cards"}
