#!/usr/bin/env bash
# Builds the local Kubernetes control plane (the `kubernetes` test project and `verdict demo` run it):
# kube-apiserver, etcd, kube-controller-manager and kube-scheduler from the versions pinned in
# tools/kube/go.mod, and kwok (simulated nodes) from tools/kwok/go.mod, into a cache outside the repository:
# ${XDG_CACHE_HOME:-~/.cache}/verdict/kube/<hash of both modules' go.mod and go.sum>/.
# A binary already there is reused; a change of the pins gives a new folder. Prints the folder.
# `build-kube.sh --check` builds nothing: it succeeds when all five binaries are there; `--dir` prints the
# folder without building (functions/local/kube/local-control-plane.ts computes the same).
# The first build compiles Kubernetes from source: about 20 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$root/tools/kube"
kwok_module="$root/tools/kwok"
key="$(cat "$module/go.mod" "$module/go.sum" "$kwok_module/go.mod" "$kwok_module/go.sum" | sha256sum | cut -c1-16)"
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/verdict/kube/$key"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

if [ "${1:-}" = --dir ]; then echo "$bin_dir"; exit 0; fi
if [ "${1:-}" = --check ]; then
  for name in "${binaries[@]}"; do [ -x "$bin_dir/$name" ] || exit 1; done
  exit 0
fi
mkdir -p "$bin_dir"

kube_version="$(cd "$module" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
minor="${kube_version#v1.}"; minor="${minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"

build() { # build NAME PACKAGE [MODULE [LDFLAGS]]
  [ -x "$bin_dir/$1" ] && return 0
  echo "build-kube: building $1 ($2); the first build takes minutes" >&2
  local started=$SECONDS
  (cd "${3:-$module}" && go build -trimpath -ldflags="${4-$ldflags}" -o "$bin_dir/$1.tmp" "$2")
  mv "$bin_dir/$1.tmp" "$bin_dir/$1"
  echo "build-kube: built $1 in $((SECONDS - started)) s" >&2
}

build etcd go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
build kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler
build kwok sigs.k8s.io/kwok/cmd/kwok "$kwok_module" "-s -w"
echo "$bin_dir"
