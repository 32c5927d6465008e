"""What one request reads once: a person's council and unit roles, which many permission checks
of one page ask about (the block's dashboard asked the council roles three times).

The memo lives only while a request is served (`RequestContextMiddleware` opens and closes it),
and any change to a role during the request empties it (blocks.apps). Outside a request
(services, commands, tests asking the rules directly) every question reads the database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave earlier in this request."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]  # type: ignore[no-any-return]


def forget() -> None:
    """Empty this request's memo (a role changed)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()
