"""What never changes once published, cached under the SHA-256 stored with it.

A published ranking, a closed ballot's or council session's results and a published decision each
keep the SHA-256 of their content (a decision, that of its document). What a page computes from
that content is cached under a key made of the hash, so there is nothing to invalidate: other
content has another hash, hence another key. Where the content can be checked against its hash,
only content that matches is cached: a record altered behind the application's back is read
afresh, and shown as it is, on every request. An alteration made after the content was cached
shows once the entry expires; checks that must see the database as it is now read it
(`scoring.services.ranking_matches`).

Entries expire after a day: long enough to serve a busy day from memory, short enough that a
cache shared between processes (Redis) does not keep every year ever published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

T = TypeVar("T")

SECONDS = 24 * 60 * 60
# Part of every key: raised when what is cached changes shape, so that a cache shared across an
# upgrade never hands the new code what the old one stored.
FORMAT = 1


def cache_key(kind: str, sha256: str, *parts: object) -> str:
    """The key of what a page computes from the content of one SHA-256 (and `parts`, such as the
    language or the order of a table, when the result depends on them too)."""
    return ":".join(["published", str(FORMAT), kind, sha256, *(str(part) for part in parts)])


def fragment_key(kind: str, sha256: str, *parts: object) -> str:
    """The key of a template fragment (`{% cache %}`) showing content of one SHA-256, in the
    person's language."""
    return cache_key(kind, sha256, *parts, get_language())


def cached(
    kind: str,
    sha256: str,
    compute: Callable[[], T],
    *,
    of: object = "",
    keep: Callable[[T], bool] = lambda value: True,
) -> T:
    """`compute()`, cached under the SHA-256 of the content it reads and the object it is `of`
    (the same content may be published twice, and links lead to each one's own pages); computed
    every time when there is no hash yet, or when `keep` says the result does not match it."""
    if not sha256:
        return compute()
    key = cache_key(kind, sha256, of)
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        if keep(value):
            cache.set(key, value, SECONDS)
    return value
