"""How the awards' states look on a page."""

from __future__ import annotations

from django import template

from awards import statistics
from awards.models import Nomination

register = template.Library()

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


@register.filter
def status_badge(status: str) -> str:
    """The badge colour of a nomination's status."""
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal ("87,5 %"), or a dash when there is none."""
    return statistics.percent(rate)
