#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder, then
# verify every file against the manifest. Usage: scripts/restore.sh BACKUP_DIR
# Reads DATABASE_URL (target database, must exist and be empty) and MEDIA_ROOT; with
# AWS_STORAGE_BUCKET_NAME the files are verified in a staging folder, then put in the bucket.
set -euo pipefail
src=$(cd "${1:?usage: scripts/restore.sh BACKUP_DIR}" && pwd)
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) PostgreSQL database to restore into}"
media=${MEDIA_ROOT:-var/media}
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$src/db.dump"
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  media=$(mktemp -d)
  trap 'rm -rf "$media"' EXIT
fi
mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
(cd "$media" && sha256sum --quiet --check "$src/media.sha256")
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  "${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" media_import "$media"
fi
# R-T3: people erased after this backup was taken are erased again (the log lives outside
# the database: PRIVACY_ERASURE_LOG).
"${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" replay_erasures
echo "Restored database and $(wc -l < "$src/media.sha256") files; all hashes match."
