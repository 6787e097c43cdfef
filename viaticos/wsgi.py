import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viaticos.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the worker: the apps, and every view through the URL
# configuration (otherwise imported by the first request). Frozen, ~200k objects are left out
# of the collector's full passes, which otherwise walk all of them (40-70 ms on the benchmark
# machine) every few dozen requests: the p95 spikes of the lists (issue 9).
get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view)
gc.collect()
gc.freeze()
