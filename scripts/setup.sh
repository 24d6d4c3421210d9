#!/usr/bin/env bash
# Installs everything Schatkaart needs; idempotent and quick the second time.
# Usage: scripts/setup.sh [demo|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

need=(libsqlite3-mod-spatialite)
command -v npm >/dev/null 2>&1 || need+=(npm)
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
if [ "$mode" = test ]; then
  need+=(postgresql-15-postgis-3 chromium fonts-dejavu-core redis-server)
fi
missing=()
for pkg in "${need[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]} (run as root or install them with apt-get)" >&2
    exit 1
  fi
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating virtualenv .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --upgrade pip >/dev/null 2>&1
  .venv/bin/pip install -q -r requirements-dev.txt 2> >(grep -v "^WARNING: Location" >&2)
  echo "$want" > "$stamp"
fi

# Front-end assets come from the npm registry with pinned versions and are
# served from static/vendor: a CDN would leak residents' IP addresses.
astamp=static/vendor/.assets.sha
awant=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$astamp" 2>/dev/null)" != "$awant" ]; then
  echo "==> installing front-end assets into static/vendor"
  npm ci --no-audit --no-fund --silent
  rm -rf static/vendor && mkdir -p static/vendor/leaflet static/vendor/markercluster static/vendor/axe
  cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
        node_modules/leaflet/dist/images static/vendor/leaflet/
  cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
     node_modules/leaflet.markercluster/dist/MarkerCluster.css \
     node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css static/vendor/markercluster/
  cp node_modules/axe-core/axe.min.js static/vendor/axe/
  # NL Design System: the components we build pages from (Utrecht component library, EUPL-1.2)
  # in one file, and the neutral example theme's tokens (voorbeeld-design-tokens, EUPL-1.2),
  # which the municipality's own colours from Beheer override (platform_core/settings.tokens).
  mkdir -p static/vendor/nlds
  for c in document page-header page-footer skip-link heading-1 heading-2 heading-3 paragraph link \
           link-button button button-link form-field form-label form-field-description \
           form-field-error-message form-fieldset textbox textarea select checkbox radio-button \
           alert table unordered-list pagination separator; do
    cat "node_modules/@utrecht/$c-css/dist/index.min.css"; echo
  done > static/vendor/nlds/components.css
  # only the tokens our components read (utrecht-*), their basis and the example palette
  grep -vE '^\s*--(todo|nl|denhaag|ams|rhc|lux)-' \
    node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css > static/vendor/nlds/theme.css
  cp node_modules/@utrecht/component-library-css/LICENSE* static/vendor/nlds/ 2>/dev/null || true
  echo "$awant" > "$astamp"
fi
# The Dutch and English catalogues (translations/*/LC_MESSAGES/messages.po) compiled for Flask-Babel.
scripts/i18n.sh compile >/dev/null
mkdir -p instance
