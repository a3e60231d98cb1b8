"""The Celery settings the plan render relies on are spelled right and applied (a misspelt one is silent)."""
from django.conf import settings

from config.celery import app
from plans.tasks import plan_render_task


def test_plan_task_is_routed_to_the_pdf_queue():
    route = app.amqp.router.route({}, plan_render_task.name)
    assert route["queue"].name == "pdf"


def test_workers_are_recycled_and_tasks_acked_late():
    assert app.conf.worker_max_tasks_per_child == settings.CELERY_WORKER_MAX_TASKS_PER_CHILD > 0
    assert plan_render_task.acks_late and plan_render_task.reject_on_worker_lost


def test_time_limits_are_explicit_and_below_the_redis_visibility_timeout():
    assert 0 < plan_render_task.soft_time_limit < plan_render_task.time_limit
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest = plan_render_task.time_limit + plan_render_task.retry_backoff_max
    assert visibility > longest
