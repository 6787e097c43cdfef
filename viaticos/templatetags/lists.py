from django import template

register = template.Library()


@register.filter
def page_query(page_obj) -> str:
    """The filters of a list page (viaticos.pagination.paginate keeps them), for its links."""
    return getattr(page_obj, "query", "")


@register.filter
def filters_used(form) -> bool:
    """Whether a list is narrowed by a search or a filter (the filter box then stays open)."""
    from viaticos.lists import filters_used as used

    return used(form)
