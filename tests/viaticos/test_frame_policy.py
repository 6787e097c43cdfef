"""Framing: pages refuse to be framed; the document preview may be framed by our own pages."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_sameorigin

from viaticos.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db


def test_a_sameorigin_view_may_be_framed_by_our_own_pages_only():
    view = xframe_options_sameorigin(lambda request: HttpResponse("%PDF"))
    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/liquidaciones/documentos/1/"))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "frame-ancestors 'none'" not in csp


def test_other_views_still_refuse_framing():
    response = SecurityHeadersMiddleware(lambda request: HttpResponse("ok"))(
        RequestFactory().get("/")
    )
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
