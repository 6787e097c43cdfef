"""Start-up fails with a message that names the bad setting; production settings are clean."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret",
    "ALLOWED_HOSTS": "viaticos.example.org",
    "DATABASE_URL": "sqlite:////tmp/viaticos-settings-test.sqlite3",
    "VIATICOS_SITE_URL": "https://viaticos.example.org",
    "VIATICOS_FIELD_KEYS": "kR0nM6g9QhJbC2xkq2yZlB2o2qQ3q5mVjv4w0a1b2c8=",
    "VIATICOS_LOOKUP_KEY": "a-production-lookup-key-for-the-settings-test",
}


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, names",
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY"),
        ({**PROD, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PROD, "VIATICOS_FIELD_KEYS": ""}, "VIATICOS_FIELD_KEYS"),
        ({**PROD, "VIATICOS_LOOKUP_KEY": ""}, "VIATICOS_LOOKUP_KEY"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"VIATICOS_DUTY_COUNTRY": "XX"}, "VIATICOS_DUTY_COUNTRY"),
        ({"DATABASE_URL": "nosuchdb://what"}, "DATABASE_URL"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL"),
    ],
)
def test_bad_setting_stops_start_up_naming_it(env, names):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert names in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_load_demo_is_refused_when_debug_is_off():
    result = run_manage("load_demo", **PROD)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_warns_when_e_mail_links_would_have_no_site_address():
    env = {**PROD}
    del env["VIATICOS_SITE_URL"]
    result = run_manage("check", "--deploy", **env)
    assert "viaticos.W001" in result.stderr + result.stdout


REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


def test_cache_url_shares_the_cache_through_redis():
    """Two processes (two gunicorn workers) see one rate-limit counter through CACHE_URL."""
    if not _redis_reachable(REDIS_URL):
        if os.environ.get("CI"):
            pytest.fail(f"This test needs Redis at {REDIS_URL} and CI must run it.")
        pytest.skip(f"needs Redis at {REDIS_URL} (set REDIS_TEST_URL)")
    reset = "from django.core.cache import cache; cache.set('settings-test-hits', 0)"
    assert run_manage("shell", "-c", reset, CACHE_URL=REDIS_URL).returncode == 0
    script = (
        "from django.core.cache import cache; from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], cache.incr('settings-test-hits'))"
    )
    outputs = [run_manage("shell", "-c", script, CACHE_URL=REDIS_URL) for _ in range(2)]
    assert [o.stdout.splitlines()[-1].split() for o in outputs if o.stdout] == [
        ["django.core.cache.backends.redis.RedisCache", "1"],
        ["django.core.cache.backends.redis.RedisCache", "2"],
    ], [o.stderr[-500:] for o in outputs]
