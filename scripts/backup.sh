#!/usr/bin/env bash
# Back up Viáticos: the PostgreSQL database (pg_dump, custom format) and the uploaded files,
# with a SHA-256 manifest of every file. Usage: scripts/backup.sh OUTPUT_DIR
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT (default var/media) from the environment; with
# AWS_STORAGE_BUCKET_NAME (object storage) the files are copied out of the bucket first.
set -euo pipefail
out=${1:?usage: scripts/backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
media=${MEDIA_ROOT:-var/media}
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *)
  echo "backup.sh backs up PostgreSQL only (DATABASE_URL=$DATABASE_URL)" >&2; exit 2;; esac
mkdir -p "$out"
pg_dump --format=custom --no-owner --file "$out/db.dump" "$DATABASE_URL"
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  media=$(mktemp -d)
  trap 'rm -rf "$media"' EXIT
  "${PYTHON:-$(dirname "$0")/../.venv/bin/python}" "$(dirname "$0")/../manage.py" media_export "$media"
fi
mkdir -p "$media"
tar -C "$media" -czf "$out/media.tar.gz" .
(cd "$media" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$out/media.sha256"
date -u +%Y-%m-%dT%H:%M:%SZ > "$out/created_at"
echo "Backup written to $out ($(wc -l < "$out/media.sha256") files)."
