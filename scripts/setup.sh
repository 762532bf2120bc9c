#!/usr/bin/env bash
# Installs everything Verdict needs from the package registries, then builds the policy bundle.
# Idempotent: each step is skipped when its inputs have not changed since it last ran.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp_dir="$root/node_modules/.verdict-setup"

fresh() { # fresh NAME FILE... : true when the stamp NAME is newer than every FILE
  local stamp="$stamp_dir/$1"; shift
  [ -f "$stamp" ] || return 1
  for f in "$@"; do [ "$f" -nt "$stamp" ] && return 1; done
  return 0
}
mark() { mkdir -p "$stamp_dir"; touch "$stamp_dir/$1"; }

if ! fresh npm package.json package-lock.json; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
  mark npm
fi

if ! fresh venv tools/requirements.txt; then
  echo "setup: creating .venv with the AWS emulator (moto_server)" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
  mark venv
fi

# Report tests render PDFs with poppler (pdftotext, pdftoppm) and HTML in headless Chromium.
if ! command -v pdftotext >/dev/null || ! command -v chromium >/dev/null; then
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

if ! fresh regal tools/regal/go.mod tools/regal/go.sum; then
  echo "setup: building the pinned Regal linter (go tool regal)" >&2
  (cd tools/regal && go tool regal version >/dev/null)
  mark regal
fi

# The differential test of the event-pattern matcher runs AWS Event Ruler (Maven Central) through a small oracle.
if ! fresh event-ruler test/event-ruler/pom.xml test/event-ruler/src/main/java/dev/verdict/oracle/EventRulerOracle.java \
  || [ ! -f test/event-ruler/target/classpath.txt ]; then
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

npx tsx scripts/build-policies.ts

# The CLI as JavaScript, so that a command starts without compiling TypeScript (bin/verdict.js).
npx tsx scripts/build-cli.ts
