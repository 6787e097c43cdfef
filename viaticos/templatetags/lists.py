from django import template

register = template.Library()


@register.filter
def page_query(page_obj) -> str:
    """The filters of a list page (viaticos.pagination.paginate keeps them), for its links."""
    return getattr(page_obj, "query", "")
