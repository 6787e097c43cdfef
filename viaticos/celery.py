"""The Celery application (SPEC §7: CELERY_BROKER_URL). Without a broker the same tasks run
in-process after commit (viaticos.tasks.run_after_commit), so the demo needs none.

    celery -A viaticos worker    (make worker)
    celery -A viaticos beat      (make beat)
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viaticos.settings")

app = Celery("viaticos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
