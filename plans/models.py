"""The approved security plan rendered as a PDF by Celery workers."""
