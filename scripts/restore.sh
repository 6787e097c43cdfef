#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder, then
# verify every file against the manifest. Usage: scripts/restore.sh BACKUP_DIR
# Reads DATABASE_URL (target database, must exist and be empty) and MEDIA_ROOT; with
# AWS_STORAGE_BUCKET_NAME the files are verified in a staging folder, then put in the bucket.
# The backup is encrypted: VIATICOS_BACKUP_KEY must hold the passphrase it was written with.
set -euo pipefail
src=$(cd "${1:?usage: scripts/restore.sh BACKUP_DIR}" && pwd)
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) PostgreSQL database to restore into}"
: "${VIATICOS_BACKUP_KEY:?VIATICOS_BACKUP_KEY must hold the passphrase of the backup}"
media=${MEDIA_ROOT:-var/media}
export GNUPGHOME
GNUPGHOME=$(mktemp -d)
plain=$(mktemp -d)
cleanup() { rm -rf "$GNUPGHOME" "$plain" ${media_tmp:+"$media_tmp"}; }
trap cleanup EXIT
unseal() {  # unseal SOURCE TARGET: fails on a wrong passphrase or a tampered file
  gpg --batch --quiet --yes --pinentry-mode loopback --passphrase-fd 3 --decrypt \
    --output "$2" "$1" 3<<<"$VIATICOS_BACKUP_KEY"
}
unseal "$src/db.dump.gpg" "$plain/db.dump"
unseal "$src/media.tar.gz.gpg" "$plain/media.tar.gz"
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$plain/db.dump"
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  media_tmp=$(mktemp -d)
  media=$media_tmp
fi
mkdir -p "$media"
tar -C "$media" -xzf "$plain/media.tar.gz"
(cd "$media" && sha256sum --quiet --check "$src/media.sha256")
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  "${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" media_import "$media"
fi
# R-T3: people erased after this backup was taken are erased again (the log lives outside
# the database: PRIVACY_ERASURE_LOG).
"${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" replay_erasures
echo "Restored database and $(wc -l < "$src/media.sha256") files; all hashes match."
