"""Acting on several items at once, all or none: what the services and views that send review
results, finalise sheets, open consultations, adopt documents and open or close ballots in one go
share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import messages
from django.db import models

from emulation.errors import DomainError
from emulation.http import AuthedRequest

T = TypeVar("T", bound=models.Model)


def each_or_none(
    items: Iterable[T], act: Callable[[T], T], *, name: Callable[[T], str], nothing: str
) -> list[T]:
    """`act` on each item once, in the order of their pks, so that two people lock them in the
    same order and neither waits on the other for ever. The first refusal names its item, says
    `nothing` was done and undoes the whole: the caller runs in one transaction."""
    unique = {item.pk: item for item in items}
    done = []
    for item in (unique[pk] for pk in sorted(unique)):
        try:
            done.append(act(item))
        except DomainError as error:
            raise DomainError(f"{name(item)}: {error.message} {nothing}") from error
    return done


def posted_ids(request: AuthedRequest, field: str) -> list[int]:
    """The ids a confirmation page listed and sent back under `field`; anything else is dropped."""
    return [int(i) for i in request.POST.getlist(field) if i.isdigit() and len(i) < 10]


def act_in_one_go(
    request: AuthedRequest, action: Callable[[], list[T]], done: Callable[[int], str]
) -> None:
    """Run the service on the items chosen and say what happened: its refusal, or `done` of how
    many changed."""
    try:
        changed = action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done(len(changed)))
