"""Demo data is seeded by each app for its own models; `seed_demo` runs them in app order.

Apps register a `Seeder` subclass in their AppConfig.ready(), so the kernel's command never imports
the apps above it.
"""

from __future__ import annotations

import datetime
from typing import Any


class Seeder:
    """Creates what is missing and changes nothing that exists, so seeding twice is harmless."""

    def __init__(self) -> None:
        self.created = 0

    def get(self, model: Any, defaults: dict[str, Any] | None = None, **keys: Any) -> Any:
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **keys)
        self.created += int(created)
        return obj

    def seed(self) -> None:
        raise NotImplementedError


_seeders: list[type[Seeder]] = []


def register(seeder: type[Seeder]) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


def seeders() -> list[type[Seeder]]:
    return list(_seeders)


# The current year as it stands on the day the demo is made ------------------------------------

SIGNING_CONFERENCE = (3, 20)  # the covenant is signed at the block's conference of 20 March
SELF_ASSESSMENT_OPENS = (11, 1)  # sheets are opened at the start of November


def current_deadlines(year: int, today: datetime.date) -> dict[str, datetime.date]:
    """The current year's deadlines as a block would have them on `today`: each one that is
    still to come lies ahead of today, and each follows the one before it (signing by 31 March,
    self-assessment by 30 November, review by 15 December, ballots by 31 December, dossier by
    15 March; the steps not yet done are given at least ten days from today, so that a demo made
    in December has its self-assessment open rather than overdue)."""

    def ahead(usual: datetime.date, after: datetime.date | None = None) -> datetime.date:
        day = usual if after is None else max(usual, after + datetime.timedelta(days=7))
        return max(day, today + datetime.timedelta(days=10))

    signing = datetime.date(year, 3, 31)
    if not covenant_signed(year, today):
        signing = ahead(signing)
    self_assessment = ahead(datetime.date(year, 11, 30))
    review = ahead(datetime.date(year, 12, 15), self_assessment)
    ballot = ahead(datetime.date(year, 12, 31), review)
    dossier = ahead(datetime.date(year + 1, 3, 15), ballot)
    return {
        "signing_deadline": signing,
        "self_assessment_deadline": self_assessment,
        "review_deadline": review,
        "ballot_deadline": ballot,
        "dossier_deadline": dossier,
    }


def covenant_signed(year: int, today: datetime.date) -> bool:
    """Whether the year's covenant has been signed by `today` (at the March conference)."""
    return today > datetime.date(year, *SIGNING_CONFERENCE)


def self_assessment_open(year: int, today: datetime.date) -> bool:
    return today >= datetime.date(year, *SELF_ASSESSMENT_OPENS)
