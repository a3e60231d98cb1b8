# Production image of anbao (web, worker and beat share it). Fonts and Pango for WeasyPrint; no CDN at run time.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
COPY . .
# Build-time commands load the production settings (collectstatic must use their manifest storage): they need a
# key and hosts, which are placeholders here and never reach run time (docker-compose.yml sets the real ones).
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund \
    && SECRET_KEY=build-time-only ALLOWED_HOSTS=build.invalid python manage.py compilemessages \
    && SECRET_KEY=build-time-only ALLOWED_HOSTS=build.invalid python manage.py collectstatic --noinput
USER nobody
# Reached only through the TLS proxy (docker-compose.yml `proxy`, deploy/nginx.conf), never published itself.
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
