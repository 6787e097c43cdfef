"""Backup and restore round-trip: database and uploaded files, nothing lost (PostgreSQL only)."""

import hashlib
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.factories import OrganizationFactory, ProjectFactory, UserFactory
from viaticos.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def db_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def fingerprint(url: str) -> dict:
    """Row count of every table and the sum of every numeric column."""
    result = {}
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema='public' AND table_type='BASE TABLE' ORDER BY 1"
        )
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cur.fetchone()[0]
            cur.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name=%s AND data_type='numeric'",
                [table],
            )
            for (column,) in cur.fetchall():
                cur.execute(f'SELECT coalesce(sum("{column}"), 0) FROM "{table}"')
                result[f"{table}.{column}"] = Decimal(cur.fetchone()[0])
    return result


def file_hashes(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_loses_nothing(tmp_path, seed_rates):
    OrganizationFactory()
    ProjectFactory(coordinator=UserFactory(roles=[Role.PROJECT_COORDINATOR]))
    media = tmp_path / "media"
    (media / "receipts").mkdir(parents=True)
    (media / "receipts" / "a.pdf").write_bytes(b"%PDF-1.4 receipt\n%%EOF")
    (media / "arco" / "nested").mkdir(parents=True)
    (media / "arco" / "nested" / "b.png").write_bytes(os.urandom(2048))

    source = db_url(connection.settings_dict["NAME"])
    target_name = connection.settings_dict["NAME"] + "_restore"
    admin = psycopg2.connect(db_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cur.execute(f'CREATE DATABASE "{target_name}"')
    try:
        key = {"VIATICOS_BACKUP_KEY": "a backup passphrase kept in the vault"}
        env = {**os.environ, **key, "DATABASE_URL": source, "MEDIA_ROOT": str(media)}
        backup = tmp_path / "backup"
        subprocess.run(["bash", "scripts/backup.sh", str(backup)], cwd=ROOT, env=env, check=True)
        # Encrypted at rest: no plain dump or archive, and the files' bytes appear nowhere.
        assert sorted(p.name for p in backup.iterdir()) == [
            "created_at",
            "db.dump.gpg",
            "media.sha256",
            "media.tar.gz.gpg",
        ]
        assert b"PGDMP" not in (backup / "db.dump.gpg").read_bytes()[:64]
        assert b"%PDF-1.4 receipt" not in (backup / "media.tar.gz.gpg").read_bytes()

        restored_media = tmp_path / "restored-media"
        env = {**os.environ, "DATABASE_URL": db_url(target_name), "MEDIA_ROOT": str(restored_media)}
        wrong = subprocess.run(
            ["bash", "scripts/restore.sh", str(backup)],
            cwd=ROOT,
            env={**env, "VIATICOS_BACKUP_KEY": "not the passphrase"},
            capture_output=True,
        )
        assert wrong.returncode != 0 and not restored_media.exists()
        env = {**env, **key}
        subprocess.run(["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=env, check=True)

        before, after = fingerprint(source), fingerprint(db_url(target_name))
        assert before == after
        assert before["missions_rate"] == 6 and before["missions_rate.lodging"] == Decimal("540.00")
        assert file_hashes(media) == file_hashes(restored_media)

    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        admin.close()


def test_backup_refuses_to_run_without_its_encryption_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VIATICOS_BACKUP_KEY"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/none"
    result = subprocess.run(
        ["bash", "scripts/backup.sh", str(tmp_path / "b")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "VIATICOS_BACKUP_KEY" in result.stderr
    assert not (tmp_path / "b").exists()
