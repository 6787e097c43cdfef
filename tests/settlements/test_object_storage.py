"""Issue 21: uploads, stamped copies and the bundle in an S3-compatible store (moto on
loopback). Nothing is left on the local disk, every file is served through the access-checked
views (no public or presigned link), and /readyz checks the bucket."""

import io

from django.urls import reverse
from pypdf import PdfReader

from settlements.models import Settlement
from tests.factories import PASSWORD
from tests.settlements.conftest import pdf_upload
from tests.settlements.test_http import receipt_post


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_receipts_are_stored_stamped_and_served_from_object_storage(
    s3_storage,
    settings,
    client,
    draft,
    traveler,
    accounting_assistant,
    other_traveler,
    django_capture_on_commit_callbacks,
):
    settlement = draft()
    login(client, traveler)
    for kind in ("proof_of_travel", "mission_report"):
        client.post(
            reverse("settlements:action", args=[settlement.pk, "document"]),
            {"kind": kind, "file": pdf_upload()},
        )
    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "receipt"]),
        receipt_post(),
    )
    assert response.status_code == 302
    assert len(s3_storage()) == 3  # the three uploads, in the bucket
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.*")))
    document = settlement.receipts.get().documents.get()
    original = client.get(reverse("settlements:document", args=[document.pk]))
    assert original.status_code == 200 and original["Content-Type"] == "application/pdf"
    assert "Location" not in original  # served by the view, never a redirect to the bucket
    client.post(reverse("settlements:action", args=[settlement.pk, "submit"]))
    client.logout()

    login(client, accounting_assistant)
    with django_capture_on_commit_callbacks(execute=True):  # stamping and building, in-process
        client.post(reverse("settlements:action", args=[settlement.pk, "receive"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.RECEIVED
    assert settlement.stamping == Settlement.Stamping.DONE
    # A stamped copy of each, the originals kept, and the bundle and report built once.
    assert len(s3_storage()) == 8
    assert len([k for k in s3_storage() if "/built/" in k]) == 2
    bundle = client.get(reverse("settlements:bundle", args=[settlement.pk]))
    assert bundle.status_code == 200
    reader = PdfReader(io.BytesIO(bundle.content))
    assert len(reader.pages) == 4
    assert all("Liquidado, Fecha:" in page.extract_text() for page in reader.pages[1:])
    client.logout()

    # Access checks hold whatever the storage: another traveler gets 404.
    login(client, other_traveler)
    assert client.get(reverse("settlements:document", args=[document.pk])).status_code == 404


def test_readyz_reaches_the_bucket_and_says_not_ready_without_it(s3_storage, client, db):
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    client_s3 = s3_storage.client
    client_s3.delete_bucket(Bucket=s3_storage.bucket)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("down")
