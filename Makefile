.PHONY: demo test setup worker beat bench

demo:   ## install everything and start the portal with demo data (SQLite, a Celery worker over the filesystem broker)
	scripts/demo.sh

test:   ## install everything and run the whole test suite (PostgreSQL and Redis when present)
	scripts/test.sh

setup:
	scripts/setup.sh

worker:
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} .venv/bin/celery -A config worker -l INFO -Q default,pdf

beat:
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} .venv/bin/celery -A config beat -l INFO
