#!/usr/bin/env bash
# Installs everything anbao needs on a fresh Debian machine: system libraries (WeasyPrint's Pango, a CJK font,
# poppler, Chromium for the browser tests, gettext), the Python virtualenv and the npm front-end packages.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext chromium)
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.anbao-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> pip install -e .[dev]"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import django, weasyprint, guardian, celery, playwright" 
  touch "$stamp"
fi

if [ ! -d node_modules/bootstrap ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (front-end assets, served locally)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Translations: compiled from the committed .po files.
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
  DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}" \
    .venv/bin/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
fi
