"""Long lists are shown a page at a time: the page costs the same whatever the number of rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.paginator import Page, Paginator

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination
    from django.http import HttpRequest, QueryDict

PER_PAGE = 50

_T = TypeVar("_T")


class ListPage(Page[_T]):
    """A page of a list, with the list's other parameters (`query`) for its links."""

    query: str = ""


def paginate(
    request: HttpRequest,
    object_list: _SupportsPagination[_T],
    *,
    per_page: int | None = None,
    param: str = "page",
    count: int | None = None,
    params: QueryDict | None = None,
) -> ListPage[_T]:
    """The page asked for in `?page=` (the first one when missing or out of range). `count`,
    when the caller already knows how many rows there are, spares the COUNT query. `params`:
    the list's query when it is not the request's own (a page shown again after a POST)."""
    params = request.GET if params is None else params
    paginator = Paginator(object_list, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never computed
    found = paginator.get_page(params.get(param))
    page = ListPage(found.object_list, found.number, paginator)
    # The other parameters (search, filters, sorting) carried by the page links (issue 20).
    kept = params.copy()
    kept.pop(param, None)
    kept.pop("export", None)
    page.query = kept.urlencode()
    return page
