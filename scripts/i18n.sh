#!/usr/bin/env bash
# Extract every marked string, update both catalogues, compile them.
#   scripts/i18n.sh            extract + update + compile (after changing texts)
#   scripts/i18n.sh compile    compile only (setup does this)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=".venv/bin/pybabel"
if [ "${1:-}" != "compile" ]; then
  "$PYBABEL" extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k ngettext:1,2 --no-location --sort-output \
    --ignore-dirs=".venv node_modules tests bench static migrations instance" -o translations/messages.pot . >/dev/null 2>&1
  for lang in nl en; do
    "$PYBABEL" update --no-fuzzy-matching -i translations/messages.pot -d translations -l "$lang" >/dev/null 2>&1
  done
fi
"$PYBABEL" compile --statistics -d translations 2>&1 | grep -v "^$" || true
