"""An S3-compatible server (moto) on a free loopback port for the object-storage tests.

Without moto installed the tests skip visibly; in CI (CI=true) they fail instead, since CI
must run them."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("The object-storage tests need moto[server] and CI must run them.")
        pytest.skip("needs moto[server] (pip install -e '.[dev]')")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except Exception as exc:  # pragma: no cover - a port taken in between
        if os.environ.get("CI"):
            pytest.fail(f"moto could not start on 127.0.0.1:{port}: {exc}")
        pytest.skip(f"moto could not start: {exc}")
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(moto_endpoint, settings):
    """The default storage on a fresh bucket of the moto server, as production configures it
    (viaticos.settings with AWS_STORAGE_BUCKET_NAME)."""
    import boto3

    bucket = f"viaticos-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "signature_version": "s3v4",
                **CREDENTIALS,
            },
        },
    }

    def keys() -> list[str]:
        listing = client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    keys.client = client
    keys.bucket = bucket
    yield keys
