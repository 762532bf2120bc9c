#!/usr/bin/env bash
# Installs what Verdict needs from the package registries, then builds the policy bundle and the CLI.
# `setup.sh` (npm run setup, npm test, CI) installs everything; `setup.sh demo` (npm run demo) only what the
# demo runs on: the npm packages, the pinned opa that builds the policy bundle, the bundle and the CLI; not
# the emulator, the linter, the Event Ruler oracle, poppler, Chromium or the Kubernetes control plane, which
# only the tests use.
# Idempotent: each step is skipped when its inputs have not changed since it last ran.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp_dir="$root/node_modules/.verdict-setup"
mode="${1:-all}"
case "$mode" in all | demo) ;; *) echo "usage: setup.sh [demo]" >&2; exit 2 ;; esac

fresh() { # fresh NAME FILE... : true when the stamp NAME is newer than every FILE
  local stamp="$stamp_dir/$1"; shift
  [ -f "$stamp" ] || return 1
  for f in "$@"; do [ "$f" -nt "$stamp" ] && return 1; done
  return 0
}
mark() { mkdir -p "$stamp_dir"; touch "$stamp_dir/$1"; }
built_after() { # built_after OUTPUT FILE... : true when OUTPUT exists and is newer than every FILE
  local output="$1"; shift
  [ -f "$output" ] || return 1
  for f in "$@"; do [ "$f" -nt "$output" ] && return 1; done
  return 0
}

if ! fresh npm package.json package-lock.json; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
  mark npm
fi

if [ "$mode" = all ] && ! fresh venv tools/requirements.txt; then
  echo "setup: creating .venv with the AWS emulator (moto_server)" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
  mark venv
fi

# Report tests render PDFs with poppler (pdftotext, pdftoppm) and HTML in headless Chromium.
if [ "$mode" = all ] && { ! command -v pdftotext >/dev/null || ! command -v chromium >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing poppler-utils and chromium from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils chromium >/dev/null
  else
    echo "setup: install poppler-utils and chromium (e.g. apt-get install poppler-utils chromium) for the report tests" >&2
  fi
fi

if ! fresh opa tools/go.mod tools/go.sum; then
  echo "setup: building the pinned opa (go tool opa)" >&2
  (cd tools && go tool opa version >/dev/null)
  mark opa
fi

if [ "$mode" = all ] && ! fresh regal tools/regal/go.mod tools/regal/go.sum; then
  echo "setup: building the pinned Regal linter (go tool regal)" >&2
  (cd tools/regal && go tool regal version >/dev/null)
  mark regal
fi

# The Kubernetes tests and `verdict demo` run a real kube-apiserver, etcd, kube-controller-manager, kube-scheduler
# and kwok, compiled from the Go module proxy into a cache outside the repository (scripts/build-kube.sh).
# Only the first build is long.
if [ "$mode" = all ] && { ! fresh kube tools/kube/go.mod tools/kube/go.sum tools/kwok/go.mod tools/kwok/go.sum \
  scripts/build-kube.sh || ! bash scripts/build-kube.sh --check; }; then
  echo "setup: building the local Kubernetes control plane (kube-apiserver, etcd, kube-controller-manager," \
    "kube-scheduler, kwok)" \
    "(the first build compiles Kubernetes: about 20 minutes on 2 cores)" >&2
  bash scripts/build-kube.sh >/dev/null
  mark kube
fi

# The differential test of the event-pattern matcher runs AWS Event Ruler (Maven Central) through a small oracle.
if [ "$mode" = all ] && { ! fresh event-ruler test/event-ruler/pom.xml \
  test/event-ruler/src/main/java/dev/verdict/oracle/EventRulerOracle.java \
  || [ ! -f test/event-ruler/target/classpath.txt ]; }; then
  if ! command -v mvn >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Maven from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null
  fi
  echo "setup: building the Event Ruler oracle (Maven)" >&2
  mvn -q -B -f test/event-ruler/pom.xml compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt
  mark event-ruler
fi

# `npx verdict` inside this repository resolves the project's own CLI.
mkdir -p node_modules/.bin
ln -sf ../../bin/verdict.js node_modules/.bin/verdict

# The policy bundle and the CLI build are rebuilt only when an input is newer than what was built from it.
mapfile -t policy_inputs < <(find policies -path policies/build -prune -o -type f -print)
if ! built_after policies/build/bundle.sha256 "${policy_inputs[@]}" scripts/build-policies.ts \
  scripts/policy-bundle-build.ts functions/gates/policy/entrypoints.ts tools/go.mod tools/go.sum \
  || [ ! -f policies/build/bundle.tar.gz ]; then
  npx tsx scripts/build-policies.ts
fi

# The CLI as JavaScript, so that a command starts without compiling TypeScript (bin/verdict.js).
# build/cli/sources.json lists what it was built from, package-lock.json included.
mapfile -t cli_inputs < <(node -e 'for (const s of require("./build/cli/sources.json")) console.log(s)' 2>/dev/null || true)
if [ "${#cli_inputs[@]}" = 0 ] \
  || ! built_after build/cli/sources.json "${cli_inputs[@]}" scripts/build-cli.ts scripts/cli-x-ray-disabled.ts; then
  npx tsx scripts/build-cli.ts
fi
