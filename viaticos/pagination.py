"""Long lists are shown a page at a time: the page costs the same whatever the number of rows."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(
    request,
    object_list,
    *,
    per_page: int | None = None,
    param: str = "page",
    count: int | None = None,
    params=None,
) -> Page:
    """The page asked for in `?page=` (the first one when missing or out of range). `count`,
    when the caller already knows how many rows there are, spares the COUNT query. `params`:
    the list's query when it is not the request's own (a page shown again after a POST)."""
    params = request.GET if params is None else params
    paginator = Paginator(object_list, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never computed
    page = paginator.get_page(params.get(param))
    # The other parameters (search, filters, sorting) carried by the page links (issue 20).
    kept = params.copy()
    kept.pop(param, None)
    kept.pop("export", None)
    page.query = kept.urlencode()
    return page
