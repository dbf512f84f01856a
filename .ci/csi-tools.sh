#!/usr/bin/env bash
# CSI storage for the real-node test tier (dev.arca.testcluster.csi.CsiHostpath): dynamic
# provisioning and snapshots on a RealNode. Prints the folder holding everything as the last line
# on stdout:
#
#   .ci/csi-tools.sh   -> /root/.cache/arca-tools/csi-v6.4.0-v8.7.0-arca-HASH
#
# - Built from the Go module proxy at pinned versions, each in a small build module that requires
#   the tool's module and repeats its go.mod's replace directives (go install refuses modules with
#   replace directives): external-provisioner's csi-provisioner, external-snapshotter's
#   snapshot-controller and csi-snapshotter. The VolumeSnapshot CRDs (snapshot.storage.k8s.io v1)
#   and the VolumeGroupSnapshot ones (groupsnapshot.storage.k8s.io) come from the
#   external-snapshotter client module's config/crd.
# - The CSI driver itself: the module proxy refuses github.com/kubernetes-csi/csi-driver-host-path
#   and github.com/kubernetes-csi/node-driver-registrar (403 "This module version is not
#   available", for every version and for their version lists), so the driver is Arca's own small
#   hostpath driver (operator/test-cluster/src/main/go/csi-hostpath: folders as volumes, copies as
#   snapshots, bind mounts on publish), which also answers kubelet's plugin registration itself.
# - Each program, static (CGO_ENABLED=0), is a one-layer OCI archive (lib-go.sh's oci_archive).
#
# Cached in ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}: csi-sidecars-PROV-SNAP (the sidecars,
# keyed by their versions), csi-hostpath-arca-HASH (the driver, keyed by its source's SHA-256),
# and the printed folder, which holds hard links to both and images.env (the image names).
set -euo pipefail

PROVISIONER_VERSION="v6.4.0"   # github.com/kubernetes-csi/external-provisioner/v6
SNAPSHOTTER_VERSION="v8.7.0"   # github.com/kubernetes-csi/external-snapshotter/v8 (+ client/v8)

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib-go.sh
source "${here}/lib-go.sh"
driver_src="${here}/../operator/test-cluster/src/main/go/csi-hostpath"

log() { echo "csi-tools: $*" >&2; }

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
sidecars="${cache_root}/csi-sidecars-${PROVISIONER_VERSION}-${SNAPSHOTTER_VERSION}"
driver_hash="$(cd "${driver_src}" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) \
  | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"
driver="${cache_root}/csi-hostpath-arca-${driver_hash}"
dest="${cache_root}/csi-${PROVISIONER_VERSION}-${SNAPSHOTTER_VERSION}-arca-${driver_hash}"

# The CRDs: the VolumeSnapshot ones, and the VolumeGroupSnapshot ones without which the snapshot
# controller retries for about 30 s at start (and then runs without group snapshots).
crds=()
for g in snapshot.storage.k8s.io_volumesnapshot groupsnapshot.storage.k8s.io_volumegroupsnapshot; do
  for k in classes contents s; do crds+=("crd/${g}${k}.yaml"); done
done
images=(csi-provisioner.oci.tar csi-snapshotter.oci.tar snapshot-controller.oci.tar images.env)
sidecar_files=("${images[@]}" "${crds[@]}")
complete() {
  local d="$1" f
  shift
  for f in "$@"; do [[ -s "${d}/${f}" ]] || return 1; done
}

if complete "${dest}" "${sidecar_files[@]}" csi-hostpath.oci.tar; then
  log "using cached CSI images in ${dest}"
  echo "${dest}"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 1; }
command -v jq >/dev/null 2>&1 || { log "jq is not installed (.ci/node-tools.sh installs it)"; exit 1; }
mkdir -p "${cache_root}"
tmp="$(mktemp -d "${cache_root}/.build-csi.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT
GO_LOG="${tmp}/go.log"
go_env

# image NAME BINARY OUT: a one-layer image holding only BINARY (as /NAME, the entrypoint) and /tmp
image() {
  local name="$1" bin="$2" out="$3" root
  root="$(mktemp -d "${tmp}/root.XXXXXX")"
  mkdir -p "${root}/tmp"
  chmod 1777 "${root}/tmp"
  cp "${bin}" "${root}/${name%%:*}"
  oci_archive "arca.test/${name}" "${root}" "$(jq -cn --arg e "/${name%%:*}" '{Entrypoint: [$e]}')" "${out}"
}

# build_module NAME MODULE VERSION LDFLAGS PKG...: a build module requiring MODULE@VERSION (and
# the "MODULE VERSION" lines of EXTRA_REQUIRE) with MODULE's version replaces, then go build of
# PKG... into bin
build_module() {
  local name="$1" module="$2" version="$3" ldflags="$4" gomod
  shift 4
  mkdir -p "${tmp}/${name}"
  gomod="$(cd "${tmp}/${name}" && go_mod_field GoMod "${module}@${version}")"
  [[ -f "${gomod}" ]] || { log "cannot find the go.mod of ${module}@${version}"; return 1; }
  (
    cd "${tmp}/${name}"
    {
      printf 'module arca.dev/tools/%s\n\ngo 1.26.0\n\nrequire (\n\t%s %s\n' "${name}" "${module}" "${version}"
      [[ -z "${EXTRA_REQUIRE:-}" ]] || sed 's/^/\t/' <<<"${EXTRA_REQUIRE}"
      printf ')\n\nreplace (\n'
      go_version_replaces "${gomod}" | sed 's/^/\t/'
      printf ')\n'
    } > go.mod
    {
      printf '//go:build tools\n\npackage tools\n\nimport (\n'
      local p
      for p in "$@"; do printf '\t_ "%s"\n' "${p}"; done
      printf ')\n'
    } > tools.go
    go_retry go mod tidy
    go_retry go build -ldflags "-s -w ${ldflags}" -o "${tmp}/bin/" "$@"
  )
}

if ! complete "${sidecars}" "${images[@]}"; then
  mkdir -p "${tmp}/bin" "${tmp}/sidecars"
  log "external-provisioner ${PROVISIONER_VERSION} (csi-provisioner)"
  build_module provisioner github.com/kubernetes-csi/external-provisioner/v6 "${PROVISIONER_VERSION}" \
    "-X main.version=${PROVISIONER_VERSION}" \
    github.com/kubernetes-csi/external-provisioner/v6/cmd/csi-provisioner
  log "external-snapshotter ${SNAPSHOTTER_VERSION} (snapshot-controller, csi-snapshotter)"
  EXTRA_REQUIRE="github.com/kubernetes-csi/external-snapshotter/client/v8 ${SNAPSHOTTER_VERSION}" \
    build_module snapshotter github.com/kubernetes-csi/external-snapshotter/v8 "${SNAPSHOTTER_VERSION}" \
    "-X main.version=${SNAPSHOTTER_VERSION}" \
    github.com/kubernetes-csi/external-snapshotter/v8/cmd/snapshot-controller \
    github.com/kubernetes-csi/external-snapshotter/v8/cmd/csi-snapshotter
  for b in csi-provisioner csi-snapshotter snapshot-controller; do
    "${tmp}/bin/${b}" --version >&2 || { log "${b} does not run"; exit 1; }
  done
  image "csi-provisioner:${PROVISIONER_VERSION}" "${tmp}/bin/csi-provisioner" "${tmp}/sidecars/csi-provisioner.oci.tar"
  image "csi-snapshotter:${SNAPSHOTTER_VERSION}" "${tmp}/bin/csi-snapshotter" "${tmp}/sidecars/csi-snapshotter.oci.tar"
  image "snapshot-controller:${SNAPSHOTTER_VERSION}" "${tmp}/bin/snapshot-controller" \
    "${tmp}/sidecars/snapshot-controller.oci.tar"
  printf 'PROVISIONER_IMAGE=arca.test/csi-provisioner:%s\nSNAPSHOTTER_IMAGE=arca.test/csi-snapshotter:%s\nSNAPSHOT_CONTROLLER_IMAGE=arca.test/snapshot-controller:%s\n' \
    "${PROVISIONER_VERSION}" "${SNAPSHOTTER_VERSION}" "${SNAPSHOTTER_VERSION}" > "${tmp}/sidecars/images.env"
  complete "${tmp}/sidecars" "${images[@]}" || { log "sidecar build incomplete"; exit 1; }
  publish_dir "${tmp}/sidecars" "${sidecars}"
  log "built the sidecars into ${sidecars}"
fi
if ! complete "${sidecars}" "${crds[@]}"; then
  client="$(cd "${tmp}" && go_mod_field Dir \
    "github.com/kubernetes-csi/external-snapshotter/client/v8@${SNAPSHOTTER_VERSION}")"
  mkdir -p "${tmp}/crd"
  for f in "${crds[@]}"; do cp "${client}/config/${f}" "${tmp}/crd/"; done
  chmod -R u+w "${tmp}/crd"
  publish_dir "${tmp}/crd" "${sidecars}/crd"
  log "the snapshot CRDs of external-snapshotter/client/v8@${SNAPSHOTTER_VERSION} in ${sidecars}/crd"
fi

if ! complete "${driver}" csi-hostpath.oci.tar images.env; then
  log "Arca's CSI hostpath driver (${driver_hash}) from ${driver_src}"
  mkdir -p "${tmp}/driver"
  (cd "${driver_src}" && go_retry go build -ldflags "-s -w -X main.version=arca-${driver_hash}" \
    -o "${tmp}/driver/csi-hostpath" .)
  "${tmp}/driver/csi-hostpath" --version >&2
  image "csi-hostpath:arca-${driver_hash}" "${tmp}/driver/csi-hostpath" "${tmp}/driver/csi-hostpath.oci.tar"
  rm "${tmp}/driver/csi-hostpath"
  echo "DRIVER_IMAGE=arca.test/csi-hostpath:arca-${driver_hash}" > "${tmp}/driver/images.env"
  publish_dir "${tmp}/driver" "${driver}"
fi

mkdir -p "${tmp}/all/crd"
for f in "${sidecar_files[@]}"; do [[ "${f}" == images.env ]] || ln "${sidecars}/${f}" "${tmp}/all/${f}"; done
ln "${driver}/csi-hostpath.oci.tar" "${tmp}/all/csi-hostpath.oci.tar"
cat "${sidecars}/images.env" "${driver}/images.env" > "${tmp}/all/images.env"
publish_dir "${tmp}/all" "${dest}"
log "CSI images in ${dest}"
echo "${dest}"
