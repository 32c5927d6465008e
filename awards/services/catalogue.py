"""What council staff enter for the award rules: the base of the 20 per cent for a year, and the
awards and results of a unit from the years before the app. Each change is audited."""

from __future__ import annotations

import datetime

import rules
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from awards.caps import blocks_organised
from awards.models import AwardType, CapBase, PastRecord
from blocks.models import Authority, Unit
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User

MAX_LEADING = 1000
FIRST_YEAR = 1945


def set_cap_base(
    authority: Authority,
    year: int,
    *,
    leading_units: int,
    rounding: str,
    note: str = "",
    by: User,
    reason: str = "",
) -> CapBase:
    """Set the number of leading units the Government flag's 20 per cent counts for the year
    (letter 5007/BNV-TĐKT: the leading units of all blocks and clusters the province
    organises), and how the share is rounded."""
    if not rules.has_perm("awards.run_council", by, authority):
        raise DomainError(_("Only the council's staff set the base of the 20 per cent."))
    if not 0 <= leading_units <= MAX_LEADING:
        raise DomainError(_("The number of leading units must be between 0 and 1000."))
    if rounding not in CapBase.Rounding.values:
        raise DomainError(_("Choose how the share is rounded."))
    fields = ["leading_units", "rounding", "note"]
    with transaction.atomic():
        base = CapBase.objects.select_for_update().filter(authority=authority, year=year).first()
        before = audit.snapshot(base, fields) if base is not None else None
        if base is None:
            try:
                with transaction.atomic():
                    base = CapBase.objects.create(
                        authority=authority,
                        year=year,
                        leading_units=leading_units,
                        rounding=rounding,
                        note=note,
                        set_by=by,
                    )
            except IntegrityError:  # a double click: the other request created it
                base = CapBase.objects.select_for_update().get(authority=authority, year=year)
                before = audit.snapshot(base, fields)
        if before is not None:
            if (base.leading_units, base.rounding, base.note) == (leading_units, rounding, note):
                return base
            base.leading_units, base.rounding, base.note, base.set_by = (
                leading_units,
                rounding,
                note,
                by,
            )
            base.save()
        audit.record(
            "awards.capbase.set",
            actor=by,
            obj=base,
            before=before,
            after=audit.snapshot(base, fields),
            reason=reason,
        )
    return base


def prefilled_base(authority: Authority, year: int) -> int:
    """What the form proposes: the blocks and clusters of the authority the app knows."""
    return blocks_organised(authority, year)


def add_past_record(
    unit: Unit,
    *,
    year: int,
    award_type: AwardType | None = None,
    title: str = "",
    result: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    issuer: str = "",
    by: User,
) -> PastRecord:
    """Record an award, or a year's result, of the unit from before the app."""
    if not rules.has_perm("awards.run_council", by, unit.authority):
        raise DomainError(_("Only the council's staff enter a unit's earlier awards."))
    if not FIRST_YEAR <= year <= datetime.date.today().year:
        raise DomainError(_("Give a year between 1945 and this year."))
    title = title.strip()
    if award_type is None and not title and not result:
        raise DomainError(_("Give an award, a title or the year's result."))
    if (award_type is not None or title) and not decision_number.strip():
        raise DomainError(_("An award needs the number of the decision that gave it."))
    if result and result not in PastRecord.Result.values:
        raise DomainError(_("Choose the year's result from the list."))
    with transaction.atomic():
        same = PastRecord.objects.select_for_update().filter(
            unit=unit,
            year=year,
            award_type=award_type,
            title=title,
            result=result,
            decision_number=decision_number.strip(),
        )
        existing = same.first()
        if existing is not None:  # a double click records it once
            return existing
        record = PastRecord.objects.create(
            unit=unit,
            year=year,
            award_type=award_type,
            title=title,
            result=result,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            issuer=issuer.strip(),
            entered_by=by,
        )
        audit.record(
            "awards.pastrecord.added",
            actor=by,
            obj=record,
            after=audit.snapshot(
                record,
                ["unit", "year", "award_type", "title", "result", "decision_number", "issuer"],
            ),
        )
    return record
