"""Tables configured from the address: the ordering, the page and the page size come from the
query string, where anything may be typed; a page size is kept between 1 and MAX_PER_PAGE and a
page past either end shows the last page (django-tables2 fails on a page size below 1)."""

from __future__ import annotations

from typing import Any

import django_tables2
from django.core.paginator import EmptyPage, PageNotAnInteger

MAX_PER_PAGE = 500


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


class RequestConfig(django_tables2.RequestConfig):
    paginate: Any

    def configure(self, table: Any) -> Any:
        paginate = self.paginate
        self.paginate = False
        try:
            super().configure(table)  # the request and the ordering
        finally:
            self.paginate = paginate
        if not paginate:
            return table
        options: dict[str, Any] = dict(paginate) if isinstance(paginate, dict) else {}
        options.pop("silent", None)
        per_page = _number(self.request.GET.get(table.prefixed_per_page_field))
        if per_page is not None:
            options["per_page"] = min(max(per_page, 1), MAX_PER_PAGE)
        page = _number(self.request.GET.get(table.prefixed_page_field))
        try:
            table.paginate(page=page if page is not None else 1, **options)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
        return table
