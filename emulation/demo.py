"""Demo data is seeded by each app for its own models; `seed_demo` runs them in app order.

Apps register a `Seeder` subclass in their AppConfig.ready(), so the kernel's command never imports
the apps above it.
"""

from __future__ import annotations

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
