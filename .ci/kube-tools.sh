#!/usr/bin/env bash
# Builds the Kubernetes control plane for the end-to-end tier from the Go module proxy, at pinned
# versions, and prints the folder holding the binaries as the last line on stdout:
#
#   .ci/kube-tools.sh   -> /root/.cache/arca-tools/kube-v1.36.3-etcd-v3.6.16
#
# The folder holds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl. It
# lives outside the checkout (${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}) and is reused when
# complete. A fresh build takes about 7 minutes on 2 cores (module downloads included).
#
# k8s.io/kubernetes cannot be built with `go install`: its go.mod replaces the k8s.io/* staging
# modules with folders of its own repository. So a small build module requires it and replaces
# each staging module by its published v0.X.Y version. etcd's server module is built the same way.
# If the checksum database (sum.golang.org) cannot be reached, the build is retried with
# GOSUMDB=off: the module proxy still serves the exact pinned versions.
set -euo pipefail

# go_env, go_retry, publish_dir, oci_archive
# shellcheck source=lib-go.sh
source "$(cd "$(dirname "$0")" && pwd)/lib-go.sh"

KUBE_VERSION="v1.36.3"    # kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
ETCD_VERSION="v3.6.16"    # etcd >= 3.5.11 has the /livez and /readyz the apiserver expects

log() { echo "kube-tools: $*" >&2; }

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
dest="${cache_root}/kube-${KUBE_VERSION}-etcd-${ETCD_VERSION}"
bins=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)

complete() {
  local b
  for b in "${bins[@]}"; do [[ -x "$1/$b" ]] || return 1; done
}

if complete "${dest}"; then
  log "using cached control plane in ${dest}"
  echo "${dest}"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 1; }
mkdir -p "${cache_root}"
tmp="$(mktemp -d "${cache_root}/.build-kube.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

GO_LOG="${tmp}/go.log"
go_env

log "etcd ${ETCD_VERSION}"
mkdir -p "${tmp}/etcd" "${tmp}/bin"
cd "${tmp}/etcd"
printf 'module arca.dev/tools/etcd\n\ngo 1.24\n' > go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
go_retry go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}"
go_retry go build -o "${tmp}/bin/etcd" go.etcd.io/etcd/server/v3

log "kubernetes ${KUBE_VERSION} (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)"
mkdir -p "${tmp}/kube"
cd "${tmp}/kube"
kmod="$(go_retry go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
[[ -f "${kmod}" ]] || { log "cannot find the go.mod of k8s.io/kubernetes@${KUBE_VERSION}"; exit 1; }
staging="v0.${KUBE_VERSION#v1.}"
{
  printf 'module arca.dev/tools/kube\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "${KUBE_VERSION}"
  # every "k8s.io/X => ./staging/src/k8s.io/X" of kubernetes' go.mod, except the sample plugin the
  # proxy does not serve (nothing here needs it)
  awk -v v="${staging}" '$2 == "=>" && $3 ~ /^\.\/staging\// && $1 != "k8s.io/sample-cli-plugin" {
    print "\t" $1 " => " $1 " " v }' "${kmod}"
  printf ')\n'
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
go_retry go mod tidy
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}"
go_retry go build -ldflags "${ldflags}" -o "${tmp}/bin/" k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubectl

"${tmp}/bin/etcd" --version | sed -n 1p >&2  # sed reads all input: head would end etcd with SIGPIPE
"${tmp}/bin/kube-apiserver" --version >&2
complete "${tmp}/bin" || { log "build incomplete"; exit 1; }
# Move within the cache folder (same file system) so the folder appears complete or not at all.
publish_dir "${tmp}/bin" "${dest}"
log "built the control plane into ${dest}"
echo "${dest}"
