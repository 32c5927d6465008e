"""The home page is assembled from sections that the apps register, so the kernel never imports
the apps above it (each app adds what a person has to see or do there)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulation.http import AuthedRequest


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


SectionProvider = Callable[[AuthedRequest], Section | None]
_providers: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def sections_for(request: AuthedRequest) -> list[Section]:
    found = [s for s in (provider(request) for provider in _providers) if s is not None]
    return sorted(found, key=lambda s: s.order)
