"""The `id` path converter: a database id or a year in an address, 1 to 19 digits and at most
2**63 - 1 (a 64-bit integer). A larger number matches no address (404) rather than reaching
the database, where SQLite overflows on it."""

from __future__ import annotations

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django then tries the next pattern, and answers 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
