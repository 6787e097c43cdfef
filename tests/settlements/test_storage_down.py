"""Issue 21, storage down: an upload is refused with a clear Spanish message (a page or a 503
API error, never a 500) and nothing is half-written: no row, no file. Against the S3-compatible
server (moto on loopback) with its bucket gone, or an object store that does not answer."""

import socket

from django.urls import reverse

from settlements.models import Document, Receipt
from tests.factories import PASSWORD
from tests.settlements.conftest import pdf_upload
from tests.settlements.test_http import receipt_post

MESSAGE = "el almacenamiento de archivos no responde"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is: nothing listens


def test_upload_with_the_bucket_gone_is_refused_in_spanish_and_nothing_is_kept(
    s3_storage, client, draft, traveler
):
    settlement = draft()
    s3_storage.client.delete_bucket(Bucket=s3_storage.bucket)
    assert client.login(username=traveler.username, password=PASSWORD)

    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "upload"]),
        {"files": [pdf_upload("boleta.pdf")]},
        follow=True,
    )
    assert response.status_code == 200
    assert f"boleta.pdf: No se pudo guardar el archivo: {MESSAGE}" in response.content.decode()
    assert not Receipt.objects.exists() and not Document.objects.exists()

    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "document"]),
        {"kind": "mission_report", "file": pdf_upload()},
    )
    assert response.status_code == 400  # the page again, the reason beside the form
    assert MESSAGE in response.content.decode()
    assert not Document.objects.exists()


def test_api_upload_with_the_object_store_down_is_a_503_and_nothing_is_kept(
    s3_storage, settings, api_client, draft, traveler
):
    from botocore.config import Config

    settlement = draft()
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **default,
            "OPTIONS": {
                **default["OPTIONS"],
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                "client_config": Config(
                    retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1
                ),
            },
        },
    }
    api_client.force_authenticate(traveler)
    response = api_client.post(f"/api/v1/settlements/{settlement.pk}/receipts/", receipt_post())
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "storage_unavailable" and MESSAGE in body["detail"]
    assert not Receipt.objects.exists() and not Document.objects.exists()
    assert s3_storage() == []
