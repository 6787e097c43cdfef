#!/usr/bin/env bash
# Back up Viáticos: the PostgreSQL database (pg_dump, custom format) and the uploaded files,
# with a SHA-256 manifest of every file. Usage: scripts/backup.sh OUTPUT_DIR
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT (default var/media) from the environment; with
# AWS_STORAGE_BUCKET_NAME (object storage) the files are copied out of the bucket first.
# Encrypted (SPEC §5.4): the dump and the files archive are written only as OpenPGP symmetric
# files (gpg, AES-256, integrity-protected) with the passphrase VIATICOS_BACKUP_KEY; keep that
# key apart from the backups (a password manager or vault), never beside them.
set -euo pipefail
out=${1:?usage: scripts/backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
: "${VIATICOS_BACKUP_KEY:?VIATICOS_BACKUP_KEY must hold the passphrase that encrypts the backup}"
export GNUPGHOME
GNUPGHOME=$(mktemp -d)
plain=$(mktemp -d)
cleanup() { rm -rf "$GNUPGHOME" "$plain" ${media_tmp:+"$media_tmp"}; }
trap cleanup EXIT
seal() {  # seal SOURCE TARGET: encrypt with the passphrase from the environment
  gpg --batch --quiet --yes --pinentry-mode loopback --passphrase-fd 3 --symmetric \
    --cipher-algo AES256 --s2k-digest-algo SHA512 --output "$2" "$1" 3<<<"$VIATICOS_BACKUP_KEY"
}
media=${MEDIA_ROOT:-var/media}
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *)
  echo "backup.sh backs up PostgreSQL only (DATABASE_URL=$DATABASE_URL)" >&2; exit 2;; esac
mkdir -p "$out"
pg_dump --format=custom --no-owner --file "$plain/db.dump" "$DATABASE_URL"
seal "$plain/db.dump" "$out/db.dump.gpg"
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  media_tmp=$(mktemp -d)
  media=$media_tmp
  "${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" media_export "$media"
fi
mkdir -p "$media"
tar -C "$media" -czf "$plain/media.tar.gz" .
seal "$plain/media.tar.gz" "$out/media.tar.gz.gpg"
(cd "$media" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$out/media.sha256"
date -u +%Y-%m-%dT%H:%M:%SZ > "$out/created_at"
echo "Encrypted backup written to $out ($(wc -l < "$out/media.sha256") files)."
