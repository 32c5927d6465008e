"""The roles of the permission matrix, the shapes of its expected statuses, shared by the matrix
rows that each app's tests contribute (see tests/test_permission_matrix.py), and the check that
asks a row's URL as every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.test import Client

from tests.factories import World

ROLES = ["anonymous", "admin", "staff", "member", "secretariat", "leader", "officer", "outsider"]
LOGIN = 302  # anonymous: redirected to the sign-in page


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN}


def scoped(act: set[str], ok: int = 200) -> dict[str, int]:
    """Seen by the province's people; done by `act`; the other province's leader gets 404."""
    return {
        "anonymous": LOGIN,
        "outsider": 404,
        **{
            role: (ok if role in act else 403)
            for role in ROLES
            if role not in {"anonymous", "outsider"}
        },
    }


def allowed(act: set[str], ok: int = 200) -> dict[str, int]:
    """Not tied to an object: `act` may, everyone else signed in gets 403."""
    return {"anonymous": LOGIN, **{r: (ok if r in act else 403) for r in ROLES if r != "anonymous"}}


SEE = {"admin", "staff", "member", "secretariat", "leader", "officer"}
MANAGE = {"admin", "staff"}
RUN = {"admin", "staff", "secretariat"}
FORM_ERRORS = 200  # an empty POST re-renders the form with its errors and saves nothing

Args = Callable[[World], list[Any]]
no_args: Args = lambda w: []  # noqa: E731
block: Args = lambda w: [w.block.pk]  # noqa: E731
year: Args = lambda w: [w.block_year.pk]  # noqa: E731
unit: Args = lambda w: [w.units[2].pk]  # noqa: E731
activity: Args = lambda w: [w.activity.pk]  # noqa: E731


UNIT_PEOPLE = {"secretariat", "leader", "officer"}
OWN_UNIT = {"leader", "officer"}


def only(roles: set[str], ok: int, others: int) -> dict[str, int]:
    """`roles` get `ok`; everyone else signed in gets `others` (anonymous goes to sign in)."""
    return {
        "anonymous": LOGIN,
        **{r: (ok if r in roles else others) for r in ROLES if r != "anonymous"},
    }


def read_only() -> dict[str, int]:
    """An archived year: seen by the province's people, acted on by no one, not even the site
    administrator (403); the other province's leader still gets 404."""
    return scoped(set())


def check_roles(
    name: str,
    url: str,
    world: World,
    get: dict[str, int],
    post: dict[str, int] | None,
) -> None:
    """Ask `url` as every role, in one world: GET, HEAD and (when `post` is given) an empty POST,
    each role in a savepoint rolled back before the next, so that no role sees what another did.
    Every role that answers otherwise than the row says is reported, in one failure."""
    wrong: list[str] = []
    errors: list[Exception] = []
    for role in ROLES:
        client = Client()
        user = world.user(role)
        try:
            with transaction.atomic():
                if user is not None:
                    client.force_login(user)
                got = {"GET": client.get(url).status_code, "HEAD": client.head(url).status_code}
                if post is not None:
                    got["POST"] = client.post(url, {}).status_code
                transaction.set_rollback(True)
        except Exception as error:
            errors.append(error)
            wrong.append(f"{role}: raised {error!r}")
            continue
        expected = {"GET": get[role], "HEAD": get[role]}
        if post is not None:
            expected["POST"] = post[role]
        if got != expected:
            answers = ", ".join(f"{method} {status}" for method, status in got.items())
            wanted = ", ".join(f"{method} {status}" for method, status in expected.items())
            wrong.append(f"{role}: {answers} (expected {wanted})")
    if wrong:
        message = f"{name} ({url}) answers otherwise than the matrix says, as\n"
        raise AssertionError(message + "\n".join(wrong)) from (errors[0] if errors else None)
