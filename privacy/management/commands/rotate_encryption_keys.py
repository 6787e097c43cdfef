"""Re-encrypt identity and bank data with the newest key of VIATICOS_FIELD_KEYS and recompute
the document lookup hashes with VIATICOS_LOOKUP_KEY (viaticos/crypto.py).

Rotation: 1. put the new Fernet key first in VIATICOS_FIELD_KEYS, the old ones after it
(and, to change the lookup key, set the new VIATICOS_LOOKUP_KEY); 2. restart and run this
command; 3. remove the old keys. Idempotent: running it twice changes nothing visible."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from viaticos import crypto


def encrypted_models() -> list[tuple[type, list, list]]:
    """Every model (history models included) with an encrypted field, with its encrypted
    fields and its lookup hashes: whichever app declares them (traveler profiles, bank changes,
    ARCO requests, deduction orders...)."""
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        secret = [f for f in fields if isinstance(f, crypto.EncryptedCharField)]
        if secret:
            hashes = [f for f in fields if isinstance(f, crypto.LookupHashField)]
            found.append((model, secret, hashes))
    return found


class Command(BaseCommand):
    help = "Re-encrypt stored identity and bank data and identity copies with the newest key."

    def handle(self, *args, **options):
        crypto.reset_keys()
        rows = {model._meta.label: self._rows(model, s, h) for model, s, h in encrypted_models()}
        files = self._files()
        counts = ", ".join(f"{label} {n}" for label, n in sorted(rows.items()))
        self.stdout.write(f"Re-encrypted rows ({counts}) and {files} files.")

    @transaction.atomic
    def _rows(self, model, secret, hashes) -> int:
        count = 0
        for row in model._default_manager.select_for_update().iterator():
            # Reading decrypts with any key; saving encrypts with the first one.
            values = {f.attname: getattr(row, f.attname) for f in secret}
            for field in hashes:
                values[field.attname] = crypto.document_lookup_hash(
                    getattr(row, field.type_field), getattr(row, field.number_field)
                )
            model._default_manager.filter(pk=row.pk).update(**values)
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
