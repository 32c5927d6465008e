"""Who a person is in the organisation, as sets of ids: the units they work in, the blocks and
years of those units, the councils they sit on, and the years whose secretariat they are.

Every list a person sees (`for_user`) and every permission check reads these sets. They are read
once per request (`RolesMiddleware` puts them on `request.roles`) and kept on the user object for
as long as it lives, as Django keeps a user's permissions (`ModelBackend`'s permission cache): a
role granted or taken away shows from the person's next request on.

The registry (`blocks`) knows where roles are stored and registers the function that reads them
(`register_loader`), so the kernel never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from emulation.models import User


@dataclass(frozen=True)
class Roles:
    """A person's roles. Ids only: questions about one object compare its ids with these sets."""

    superuser: bool = False
    #: units the person works in (leader or officer), those they lead, and those they are an
    #: emulation officer of (one person may be both in one unit)
    units: frozenset[int] = frozenset()
    led_units: frozenset[int] = frozenset()
    officer_units: frozenset[int] = frozenset()
    #: blocks and block years that counted one of those units as a member (left since or not)
    blocks: frozenset[int] = frozenset()
    years: frozenset[int] = frozenset()
    #: per block year, the person's units that are its members and have not left
    member_units: Mapping[int, frozenset[int]] = field(default_factory=dict)
    #: block years whose head or deputy (not left) is one of the person's units
    secretariat_years: frozenset[int] = frozenset()
    #: authorities on whose council the person sits (staff or member), those whose council they
    #: staff (the Emulation Board) and those whose council they are a voting member of
    councils: frozenset[int] = frozenset()
    staff_of: frozenset[int] = frozenset()
    member_of: frozenset[int] = frozenset()

    def works_in(self, unit_id: int | None) -> bool:
        return unit_id is not None and unit_id in self.units

    def leads(self, unit_id: int | None) -> bool:
        return unit_id is not None and unit_id in self.led_units

    def member_units_of(self, block_year_id: int) -> frozenset[int]:
        """The person's units that are current members of the block year."""
        return self.member_units.get(block_year_id, frozenset())

    def led_member_units_of(self, block_year_id: int) -> frozenset[int]:
        return self.member_units_of(block_year_id) & self.led_units

    def runs_year(self, block_year_id: int) -> bool:
        """The person's unit heads or deputises the block this year: they are its secretariat."""
        return block_year_id in self.secretariat_years

    def sits_on(self, authority_id: int | None) -> bool:
        return authority_id is not None and authority_id in self.councils

    def staffs(self, authority_id: int | None) -> bool:
        return authority_id is not None and authority_id in self.staff_of

    def votes_on(self, authority_id: int | None) -> bool:
        return authority_id is not None and authority_id in self.member_of

    @property
    def on_any_council(self) -> bool:
        return bool(self.councils)

    @property
    def any_council_staff(self) -> bool:
        return bool(self.staff_of)


NOBODY = Roles()

Loader = Callable[["User"], Roles]
_loaders: list[Loader] = []


def register_loader(loader: Loader) -> None:
    """Let the registry say how a person's roles are read (called from its `AppConfig.ready`)."""
    _loaders[:] = [loader]


def read_roles(user: User) -> Roles:
    """The person's roles as the database holds them now (no loader: only the superuser flag)."""
    if not _loaders:
        return Roles(superuser=user.is_superuser)
    return _loaders[0](user)


def roles_of(user: Any) -> Roles:
    """The roles of a person (nobody's for an anonymous visitor), read once per user object."""
    if user is None or not user.is_authenticated:
        return NOBODY
    return user.roles  # type: ignore[no-any-return]


class RolesMiddleware:
    """Put the person's roles on `request.roles`, read on first use, at most once a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.roles = SimpleLazyObject(lambda: roles_of(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
