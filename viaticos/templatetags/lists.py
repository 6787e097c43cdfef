from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_query(page_obj: Page[object]) -> str:
    """The filters of a list page (viaticos.pagination.paginate keeps them), for its links."""
    query: str = getattr(page_obj, "query", "")
    return query
