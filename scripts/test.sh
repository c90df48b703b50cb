#!/usr/bin/env bash
# Install and run the test suite. With DATABASE_URL / REDIS_URL set, the same suite runs
# against PostgreSQL and Redis. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m pytest "$@"
