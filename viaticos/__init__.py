# The Celery application is loaded with Django so that @shared_task binds to it (SPEC §7).
from viaticos.celery import app as celery_app

__all__ = ["celery_app"]
