#!/usr/bin/env bash
# Runs the pinned `opa` (tools/go.mod, `go tool opa`) from the caller's working directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(cd "$root/tools" && go tool -n opa)"
[ -x "$bin" ] || (cd "$root/tools" && go tool opa version >/dev/null)
exec "$bin" "$@"
