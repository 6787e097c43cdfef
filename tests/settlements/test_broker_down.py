"""Issue 21, broker down: receiving a settlement is still saved, the stamping run waits in the
database (the outbox keeps the e-mails the same way), /readyz says not ready, and the work runs
when the broker is back (beat's sweep publishes the run again)."""

from django.urls import reverse

from settlements.models import Document, Settlement
from settlements.tasks import resume_stamping
from tests.factories import PASSWORD


def test_broker_down_the_reception_is_saved_and_stamped_when_the_broker_returns(
    client, submitted, accounting_assistant, broker, django_capture_on_commit_callbacks
):
    settlement = submitted()
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert client.login(username=accounting_assistant.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):  # the publish runs, and fails
        response = client.post(reverse("settlements:action", args=[settlement.pk, "receive"]))
    assert response.status_code == 302  # the assistant never sees the broker's failure
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.RECEIVED
    assert settlement.stamping == Settlement.Stamping.RUNNING and settlement.stamping_run
    assert not Document.objects.exclude(stamped_file="").exists()
    assert client.get("/readyz").status_code == 503

    # The broker is back; beat's sweep (run here in-process, as a worker would run what it
    # publishes) finds the run that never reached a worker and it is stamped, once.
    broker("")
    assert resume_stamping.apply().get() == 1
    settlement.refresh_from_db()
    assert settlement.stamping == Settlement.Stamping.DONE
    assert not Document.objects.filter(stamped_file="").exists()
    assert resume_stamping.apply().get() == 0  # nothing left waiting
