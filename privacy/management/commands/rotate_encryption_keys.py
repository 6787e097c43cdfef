"""Re-encrypt identity and bank data with the newest key of VIATICOS_FIELD_KEYS and recompute
the document lookup hashes with VIATICOS_LOOKUP_KEY (viaticos/crypto.py).

Rotation: 1. put the new Fernet key first in VIATICOS_FIELD_KEYS, the old ones after it
(and, to change the lookup key, set the new VIATICOS_LOOKUP_KEY); 2. restart and run this
command; 3. remove the old keys. Idempotent: running it twice changes nothing visible."""

from django.core.management.base import BaseCommand
from django.db import transaction

from viaticos import crypto
from viaticos.models import TravelerProfile


class Command(BaseCommand):
    help = "Re-encrypt stored identity and bank data and identity copies with the newest key."

    def handle(self, *args, **options):
        crypto.reset_keys()
        profiles = self._rows(TravelerProfile)
        history = self._rows(TravelerProfile.history.model)
        files = self._files()
        self.stdout.write(
            f"Re-encrypted {profiles} profiles, {history} history rows and {files} files."
        )

    @transaction.atomic
    def _rows(self, model) -> int:
        count = 0
        for row in model.objects.select_for_update().iterator():
            # Reading decrypts with any key; saving encrypts with the first one.
            model.objects.filter(pk=row.pk).update(
                document_number=row.document_number,
                bank_account=row.bank_account,
                document_number_hash=crypto.document_lookup_hash(
                    row.document_type, row.document_number
                ),
            )
            count += 1
        return count

    def _files(self) -> int:
        from django.core.files.storage import default_storage

        from privacy.models import ArcoAttachment

        count = 0
        for item in ArcoAttachment.objects.exclude(storage_name="").iterator():
            try:
                with default_storage.open(item.storage_name, "rb") as handle:
                    raw = handle.read()
            except FileNotFoundError:
                continue
            if not raw.startswith(crypto.FILE_HEADER):
                continue
            rotated = crypto.FILE_HEADER + crypto._fernet().rotate(raw[len(crypto.FILE_HEADER) :])
            if rotated == raw:
                continue
            with default_storage.open(item.storage_name, "wb") as handle:
                handle.write(rotated)
            count += 1
        return count
