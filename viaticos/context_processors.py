from typing import Any

from django.http import HttpRequest

from viaticos.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    return {"nav_items": navigation_for(request.user)}
