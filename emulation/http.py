from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from emulation.models import User
from emulation.roles import Roles


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: the user is always a signed-in `User`."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
    roles: Roles
