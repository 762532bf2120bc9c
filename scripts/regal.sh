#!/usr/bin/env bash
# Runs the pinned Regal linter (tools/regal/go.mod, `go tool regal`) from the caller's working directory.
# Regal has its own module: it builds against an older OPA than the one tools/go.mod pins for `opa`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(cd "$root/tools/regal" && go tool -n regal)"
[ -x "$bin" ] || (cd "$root/tools/regal" && go tool regal version >/dev/null)
exec "$bin" "$@"
