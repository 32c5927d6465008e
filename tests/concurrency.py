"""Running one action in several threads released together, as concurrent clicks arrive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.utils import translation


def at_once(
    count: int, action: Callable[[int], Any], *, language: str | None = "en"
) -> list[object]:
    """`action(i)` in `count` threads released by one barrier; each result, or the exception it
    raised. A thread starts in the default language: messages are read in `language` (None
    keeps the default). Each thread closes its database connections."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            if language is None:
                results[index] = action(index)
            else:
                with translation.override(language):
                    results[index] = action(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
