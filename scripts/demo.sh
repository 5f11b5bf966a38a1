#!/usr/bin/env bash
# Sets up gongkai on a fresh machine (Python 3.11), builds the embedded demo warehouse (a fictional
# province, 示例数据, every year 2019–2025, all renderers, plus the seed report) through the real
# ingest, and starts the dashboard on it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
DB=${GONGKAI_DB:-demo/gongkai.duckdb}
.venv/bin/python -m warehouse demo --db "$DB"
export GONGKAI_DB="$DB"
exec .venv/bin/streamlit run dashboard/app.py --server.port "${PORT:-8501}" "$@"
