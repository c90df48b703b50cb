#!/usr/bin/env bash
# Install, migrate, load the demo website group and serve it on the embedded default
# (SQLite, local-memory cache, Celery eager): public role on :8000, admin role on :8001.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
PUBLIC_PORT=${PUBLIC_PORT:-8000}
ADMIN_PORT=${ADMIN_PORT:-8001}
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
echo
echo "Public portal:  http://127.0.0.1:${PUBLIC_PORT}/   (other sites: /site/beijing/, /site/guangdong/, /site/shenzhen/)"
echo "Admin:          http://127.0.0.1:${ADMIN_PORT}/admin/   (logins printed above)"
echo "Stop with Ctrl-C."
TAXSITE_ROLE=public .venv/bin/python manage.py runserver "127.0.0.1:${PUBLIC_PORT}" --noreload &
public_pid=$!
TAXSITE_ROLE=admin .venv/bin/python manage.py runserver "127.0.0.1:${ADMIN_PORT}" --noreload &
admin_pid=$!
trap 'kill "$public_pid" "$admin_pid" 2>/dev/null || true' EXIT INT TERM
wait "$public_pid" "$admin_pid"
