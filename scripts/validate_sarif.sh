#!/usr/bin/env bash
# Validate ionos-migrate's SARIF reports with Microsoft's SARIF Multitool (npm: @microsoft/sarif-multitool).
# Writes the scan, diff and apply reports of a copy of examples/legacy_app (plus a file that does not
# parse) and validates each: errors and warnings make the script fail; `--rule-kind "Gh;Sarif"` adds
# GitHub code scanning's own checks. Needs node/npm and the project's venv (make install).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.venv/bin"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool >/dev/null)
TOOL="$WORK/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
chmod u+x "$TOOL"
cp -r "$ROOT/examples/legacy_app" "$WORK/app"
printf 'URL = "https://inference.de-txl.ionos.com/models/x/predictions"\nif x\n' > "$WORK/app/broken.py"
cd "$WORK"
"$BIN/ionos-migrate" scan app --no-progress --report scan.sarif >/dev/null 2>&1 || true
"$BIN/ionos-migrate" diff app --no-progress --report diff.sarif >/dev/null 2>&1 || true
"$BIN/ionos-migrate" apply app --no-progress --allow-dirty --report apply.sarif >/dev/null 2>&1 || true
status=0
for report in scan.sarif diff.sarif apply.sarif; do
  out="$("$TOOL" validate --rule-kind "Gh;Sarif" --level "Error;Warning" "$report" 2>&1)"
  problems="$(grep -cE ': (error|warning) [A-Z]+[0-9]+' <<<"$out" || true)"
  echo "$report: $problems errors or warnings"
  if [ "$problems" != 0 ]; then grep -E ': (error|warning) ' <<<"$out"; status=1; fi
done
exit $status
