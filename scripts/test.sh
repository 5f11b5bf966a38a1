#!/usr/bin/env bash
# Sets up everything on a fresh machine (Python 3.11, Debian) and runs the whole test suite:
# lint, unit/integration/e2e tests, then the parser's accuracy on the real corpus in ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need: Chromium for the end-to-end tests, CJK fonts for generated
# PDFs and exported charts, LibreOffice (headless Writer) for legacy .doc/.wps reports.
# Installed from Debian's registry when missing.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi Zen Hei" || need+=(fonts-wqy-zenhei)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
if ! command -v soffice >/dev/null 2>&1; then
  # Writer alone, without the recommended extras (Java, GUI): ~50 packages, ~20 s.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  [ ${#need[@]} -gt 0 ] || $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends libreoffice-writer-nogui
fi

PY=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
# Real-corpus accuracy: fails when overall cell accuracy drops below the best value recorded.
if [ -d ../shared/corpus ]; then
  # --scans: each real PDF also printed as a scan (rasterised, turned, noised, JPEG) and read back through OCR
  .venv/bin/python -m loaders evaluate ../shared/corpus --baseline tests/data/accuracy_baseline.json --scans
fi
