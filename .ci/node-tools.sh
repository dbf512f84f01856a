#!/usr/bin/env bash
# What a real Kubernetes node needs on this machine, for the real-node test tier
# (dev.arca.testcluster.node.RealNode). Prints the folder holding the built parts as the last line
# on stdout:
#
#   .ci/node-tools.sh   -> /root/.cache/arca-tools/node-v1.36.3
#
# - From Debian's packages, when missing (apt-get, as root or with sudo): containerd, runc,
#   containernetworking-plugins (bridge, host-local, loopback in /usr/lib/cni), nftables (the `nft`
#   that kube-proxy's nftables mode runs) and busybox-static (the test image's only program).
# - Built from the Go module proxy, the same way .ci/kube-tools.sh builds the control plane (a
#   small build module that requires k8s.io/kubernetes and replaces its staging modules by their
#   published versions): kubelet and kube-proxy. Own cache folder, keyed by the Kubernetes
#   version, so kube-tools.sh's folder (and its 7-minute build) is left alone.
# - Made locally, no registry: the pause image (Kubernetes' own build/pause/linux/pause.c from the
#   same module, gcc -Os -static, user 65535) and a test image holding only Debian's static
#   busybox, each a one-layer OCI archive that `ctr -n k8s.io images import` accepts.
#
# The folder holds: kubelet, kube-proxy, pause.oci.tar (image arca.test/pause:KUBE_VERSION),
# busybox.oci.tar (image arca.test/busybox:BUSYBOX_TAG) and images.env (the image names).
set -euo pipefail

# go_env, go_retry, publish_dir, oci_archive
# shellcheck source=lib-go.sh
source "$(cd "$(dirname "$0")" && pwd)/lib-go.sh"

KUBE_VERSION="v1.36.3"    # kubelet, kube-proxy: the control plane's version (kube-tools.sh)

log() { echo "node-tools: $*" >&2; }

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
dest="${cache_root}/node-${KUBE_VERSION}"
bins=(kubelet kube-proxy)

# ---- Debian packages -----------------------------------------------------------------------------
missing=()
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=(containernetworking-plugins)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]}"
  sudo_cmd=()
  [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

# The test image: Debian's static busybox, its applets as links, /tmp; rebuilt when the package
# version changes.
busybox_image() {
  local dir="$1" version tag root
  version="$(dpkg-query -W -f '${Version}' busybox-static)"
  tag="$(/bin/busybox --help 2>&1 | sed -n 's/^BusyBox v\([0-9.]*\).*/\1/p' | sed -n 1p)"
  if [[ -f "${dir}/busybox.oci.tar" && "$(cat "${dir}/busybox.version" 2>/dev/null)" == "${version}" ]]; then
    return
  fi
  log "busybox test image from busybox-static ${version}"
  root="$(mktemp -d)"
  mkdir -p "${root}/bin" "${root}/tmp" "${root}/etc"
  chmod 1777 "${root}/tmp"
  cp /bin/busybox "${root}/bin/busybox"
  "${root}/bin/busybox" --install -s "${root}/bin"
  # the links busybox made point at its own path on this machine: make them relative
  find "${root}/bin" -type l -exec ln -sf busybox {} \;
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "${root}/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "${root}/etc/group"
  oci_archive "arca.test/busybox:${tag}" "${root}" \
    '{"Env":["PATH=/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"}' "${dir}/busybox.oci.tar"
  rm -rf "${root}"
  echo "${version}" > "${dir}/busybox.version"
  sed -i '/^BUSYBOX_IMAGE=/d' "${dir}/images.env" 2>/dev/null || true
  echo "BUSYBOX_IMAGE=arca.test/busybox:${tag}" >> "${dir}/images.env"
}

complete() {
  local b
  for b in "${bins[@]}"; do [[ -x "$1/$b" ]] || return 1; done
  [[ -f "$1/pause.oci.tar" ]]
}

if complete "${dest}"; then
  log "using cached kubelet, kube-proxy and pause image in ${dest}"
  busybox_image "${dest}"
  echo "${dest}"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 1; }
mkdir -p "${cache_root}"
tmp="$(mktemp -d "${cache_root}/.build-node.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

GO_LOG="${tmp}/go.log"
go_env

log "kubernetes ${KUBE_VERSION} (kubelet, kube-proxy)"
mkdir -p "${tmp}/kube" "${tmp}/bin"
cd "${tmp}/kube"
kjson="$(go_retry go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}")"
kmod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' <<<"${kjson}")"
kdir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"${kjson}")"
[[ -f "${kmod}" && -d "${kdir}" ]] || { log "cannot find k8s.io/kubernetes@${KUBE_VERSION}"; exit 1; }
staging="v0.${KUBE_VERSION#v1.}"
{
  printf 'module arca.dev/tools/kubenode\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "${KUBE_VERSION}"
  # as in kube-tools.sh: every staging module by its published version, except the sample plugin
  awk -v v="${staging}" '$2 == "=>" && $3 ~ /^\.\/staging\// && $1 != "k8s.io/sample-cli-plugin" {
    print "\t" $1 " => " $1 " " v }' "${kmod}"
  printf ')\n'
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
go_retry go mod tidy
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}"
go_retry go build -ldflags "${ldflags}" -o "${tmp}/bin/" k8s.io/kubernetes/cmd/kubelet \
  k8s.io/kubernetes/cmd/kube-proxy
"${tmp}/bin/kubelet" --version >&2
"${tmp}/bin/kube-proxy" --version >&2

log "pause image from ${kdir}/build/pause/linux/pause.c"
mkdir -p "${tmp}/pause"
gcc -Os -Wall -Werror -static -DVERSION="${KUBE_VERSION}-arca" -o "${tmp}/pause/pause" \
  "${kdir}/build/pause/linux/pause.c"
oci_archive "arca.test/pause:${KUBE_VERSION}" "${tmp}/pause" \
  '{"Entrypoint":["/pause"],"User":"65535:65535"}' "${tmp}/bin/pause.oci.tar"
echo "PAUSE_IMAGE=arca.test/pause:${KUBE_VERSION}" > "${tmp}/bin/images.env"

complete "${tmp}/bin" || { log "build incomplete"; exit 1; }
# Move within the cache folder (same file system) so the folder appears complete or not at all.
publish_dir "${tmp}/bin" "${dest}"
log "built kubelet, kube-proxy and the pause image into ${dest}"
busybox_image "${dest}"
echo "${dest}"
