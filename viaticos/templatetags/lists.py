from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_query(page_obj: Page[object]) -> str:
    """The filters of a list page (viaticos.pagination.paginate keeps them), for its links."""
    query: str = getattr(page_obj, "query", "")
    return query


@register.filter
def filters_used(form: Any) -> bool:
    """Whether a list is narrowed by a search or a filter (the filter box then stays open)."""
    from viaticos.lists import filters_used as used

    return used(form)
