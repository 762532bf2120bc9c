#!/usr/bin/env bash
# The policy quality bar: formatted, strictly type-checked, Regal-lint clean (.regal/config.yaml), and tested
# with at least 90 % coverage.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opa="$root/scripts/opa.sh"
regal="$root/scripts/regal.sh"
cd "$root"

unformatted="$("$opa" fmt --list policies/)"
if [ -n "$unformatted" ]; then
  echo "policies: not formatted (run scripts/opa.sh fmt --write policies/):" >&2
  echo "$unformatted" >&2
  exit 1
fi
"$opa" check --strict --ignore build policies/
"$regal" lint policies/
"$opa" test --ignore build policies/
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
if ! "$opa" test --ignore build policies/ --coverage --threshold 90 >"$report"; then
  echo "policies: coverage below 90 %" >&2
fi
coverage="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).coverage.toFixed(1))' "$report")"
echo "policies: coverage ${coverage} % (threshold 90 %)"
node -e 'process.exit(Number(process.argv[1]) >= 90 ? 0 : 1)' "$coverage"
