#!/usr/bin/env bash
# Render ionos-migrate's HTML report in a real headless browser and save a screenshot,
# to look at it (not a test: the test suite parses the HTML instead).
#   scripts/screenshot_report.sh [OUT.png]      (needs: apt-get install -y chromium)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/ionos-migrate-report.png}"
python="${PYTHON:-$here/.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A small tree with one site of each kind: migrated, unknown model (manual), unparsable, a text file.
mkdir -p "$work/tree/app"
url="https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
cat > "$work/tree/app/client.py" <<PY
import requests

response = requests.post(
    "$url",
    json={"properties": {"input": "Say hi", "options": {"max_length": "50", "temperature": "0.2"}}},
    headers={"Authorization": "Bearer token"},
)
print(response.json()["properties"]["output"])
PY
sed 's/b18b18de-92c3-466e-81a8-e5df91890091/00000000-1111-2222-3333-444444444444/' "$work/tree/app/client.py" > "$work/tree/app/unknown.py"
printf 'URL = "%s"\ndef broken(:\n    pass\n' "$url" > "$work/tree/app/broken.py"
printf 'IONOS_URL=%s\n' "$url" > "$work/tree/.env"

(cd "$work/tree" && "$python" -m ionos_migrate diff --no-progress --report "$work/report.html" >/dev/null 2>&1) || true
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --screenshot="$out" --window-size=1280,900 \
  "file://$work/report.html" >/dev/null 2>&1
echo "$out"
