"""Search, filters and sorting of list pages and API lists (issue 20), one way for every list:
a django-filter FilterSet per kind of row (in its app's `filters.py`) built on `ListFilter`,
applied to the queryset the page's selector already scoped to the user; the same filtered
queryset feeds the page, its CSV/XLSX exports (viaticos.spreadsheets) and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django import forms
    from django_stubs_ext import StrOrPromise

    # django-filter ships no types: its FilterSet is seen as a plain class.
    class FilterSet:
        def __init__(self, *args: Any, **kwargs: Any) -> None: ...

        @property
        def qs(self) -> QuerySet[Any]: ...

        @property
        def form(self) -> forms.Form: ...
else:
    FilterSet = django_filters.FilterSet

NOT_FILTERS = ("page", "export", "order")


class ListFilter(FilterSet):
    """`q` searches `search_fields` (icontains) and, when it reads as a code (`M-00012`, `12`),
    the row whose number `code_field` holds; subclasses add their filters and `order`."""

    q = django_filters.CharFilter(method="search", label=_("Search"))

    search_fields: tuple[str, ...] = ()
    code_prefixes: tuple[str, ...] = ()
    code_field: str = "pk"
    # True when a search field crosses a to-many relation (a mission's legs): the match is
    # then taken as a subquery of ids, so a row is listed once and no DISTINCT is needed.
    search_many = False

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": value})
        digits = value.upper()
        for prefix in self.code_prefixes:
            digits = digits.removeprefix(prefix)
        digits = digits.lstrip("0")
        if digits.isdigit():
            match |= Q(**{self.code_field: int(digits)})
        if self.search_many:
            matching = queryset.model._default_manager.filter(match).values("pk")
            return queryset.filter(pk__in=matching)
        return queryset.filter(match)


def amount_range(field_name: str) -> tuple[Any, Any]:
    """The two filters of an amount range ("from", "up to") on `field_name`."""
    return (
        django_filters.NumberFilter(
            field_name=field_name, lookup_expr="gte", label=_("Amount from")
        ),
        django_filters.NumberFilter(
            field_name=field_name, lookup_expr="lte", label=_("Amount up to")
        ),
    )


def date_range(
    field_name: str, *, start: StrOrPromise, end: StrOrPromise, on_datetime: bool = False
) -> tuple[Any, Any]:
    """The two filters of a date range on `field_name` (a date, or the local day of a
    datetime when `on_datetime`)."""
    suffix = "date__" if on_datetime else ""
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr=f"{suffix}gte", label=start),
        django_filters.DateFilter(field_name=field_name, lookup_expr=f"{suffix}lte", label=end),
    )


def filters_used(form: forms.Form) -> bool:
    """Whether a filter form narrows its list: a search or a filter typed, not just a sort."""
    return any(form.data.get(name) for name in form.fields if name not in NOT_FILTERS)
