#!/usr/bin/env bash
# Builds pinned third-party Go tools (for benchmarks and tests) and prints the
# absolute path of the binary as the last line on stdout.
#
#   .ci/go-tools.sh restic      -> /root/.cache/arca-tools/restic-v0.18.1/restic
#   .ci/go-tools.sh minio       -> /root/.cache/arca-tools/minio-v0.0.0-2026.../minio
#   .ci/go-tools.sh kopia       -> /root/.cache/arca-tools/kopia-v0.22.3/kopia
#   .ci/go-tools.sh helm        -> /root/.cache/arca-tools/helm-v4.3.2/helm
#   .ci/go-tools.sh fake-gcs-server -> /root/.cache/arca-tools/fake-gcs-server-v1.56.1/fake-gcs-server
#
# Binaries are built with `go install MODULE/cmd/TOOL@VERSION` from the Go
# module proxy into ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}/TOOL-VERSION/,
# outside the checkout, and reused when present. The build goes to a temporary
# folder first and is moved into place at the end, so an interrupted build
# leaves nothing half-made behind.
#
# The line "source: go|cache-go|debian" on stderr tells where the
# binary came from; callers may parse it.
#
# If the Go build fails altogether, Debian's package of the tool is installed
# instead (apt-get), which is usually an older version: stderr says so.
set -euo pipefail

# ---- pinned tools: name -> "go package" and version --------------------------
RESTIC_VERSION="v0.18.1"
# The module proxy refuses some kopia versions (403) and its version list; v0.22.3 is served.
KOPIA_VERSION="v0.22.3"
# MinIO publishes no semver tags, so the module proxy serves commits as pseudo-versions; this is
# the newest one it listed on 2026-11-25 (commit 7aac2a2c5b7c of 2026-02-12).
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
# The helm CLI the README's commands use (the chart's tests use helm-java in-process).
HELM_VERSION="v4.3.2"
# The Google Cloud Storage emulator the gs:// tests run against (its JSON API, on 127.0.0.1).
FAKE_GCS_VERSION="v1.56.1"

declare -A TOOL_PKG=(
  [restic]="github.com/restic/restic/cmd/restic"
  [kopia]="github.com/kopia/kopia"
  [minio]="github.com/minio/minio"
  [helm]="helm.sh/helm/v4/cmd/helm"
  [fake-gcs-server]="github.com/fsouza/fake-gcs-server"
)
declare -A TOOL_VERSION=(
  [restic]="${RESTIC_VERSION}"
  [kopia]="${KOPIA_VERSION}"
  [minio]="${MINIO_VERSION}"
  [helm]="${HELM_VERSION}"
  [fake-gcs-server]="${FAKE_GCS_VERSION}"
)
# The module each package is in (go install needs only the package; the fallback build below
# needs the module).
declare -A TOOL_MODULE=(
  [restic]="github.com/restic/restic"
  [kopia]="github.com/kopia/kopia"
  [minio]="github.com/minio/minio"
  [helm]="helm.sh/helm/v4"
  [fake-gcs-server]="github.com/fsouza/fake-gcs-server"
)
# Linker flags of the fallback build (the version a tool reports; go install gets it from the
# module's build info, a build inside the module does not).
declare -A TOOL_LDFLAGS=(
  [kopia]="-X github.com/kopia/kopia/repo.BuildVersion=${KOPIA_VERSION#v}"
)
# Debian package to fall back to when the Go build fails ("" = no fallback).
declare -A TOOL_DEBIAN=(
  [restic]="restic"
  [kopia]=""
  [minio]=""
  [helm]=""
  [fake-gcs-server]=""
)

log() { echo "go-tools: $*" >&2; }

usage() {
  echo "usage: $0 TOOL   (one of: ${!TOOL_PKG[*]})" >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
tool="$1"
[[ -n "${TOOL_PKG[$tool]:-}" ]] || usage
pkg="${TOOL_PKG[$tool]}"
version="${TOOL_VERSION[$tool]}"

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
dest_dir="${cache_root}/${tool}-${version}"
dest="${dest_dir}/${tool}"

if [[ -x "${dest}" ]]; then
  log "using cached ${tool} ${version} built with go"
  log "source: cache-go"
  echo "${dest}"
  exit 0
fi

go_build() {
  # $1: temp folder; $2: extra environment assignment (e.g. GOSUMDB=off) or "".
  local tmp="$1" extra="$2"
  # shellcheck disable=SC2086
  env GOBIN="${tmp}/bin" GOFLAGS=-trimpath CGO_ENABLED=0 ${extra} \
    go install "${pkg}@${version}" 2>"${tmp}/go.log" && return 0
  # go install also asks the proxy for the module's version list (for deprecation notices); the
  # proxy here refuses that for some modules (403) while it serves the pinned version. Then build
  # the package inside the downloaded module, with the module's own go.mod and go.sum.
  grep -q '@v/list: 403' "${tmp}/go.log" || return 1
  local module="${TOOL_MODULE[$tool]}" dir
  log "the proxy refuses ${module}'s version list: building inside the downloaded module"
  # shellcheck disable=SC2086
  dir="$(env ${extra} go mod download -json "${module}@${version}" 2>>"${tmp}/go.log" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "${dir}" ]] || return 1
  # shellcheck disable=SC2086
  (cd "${dir}" && env CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" ${extra} \
    go build -ldflags "${TOOL_LDFLAGS[$tool]:-}" -o "${tmp}/bin/${tool}" "./${pkg#"${module}"}") \
    2>>"${tmp}/go.log"
}

build_with_go() {
  mkdir -p "${cache_root}"
  local tmp rc=0
  tmp="$(mktemp -d "${cache_root}/.build-${tool}.XXXXXX")"
  build_with_go_in "${tmp}" || rc=$?
  rm -rf "${tmp}"
  return "${rc}"
}

build_with_go_in() {
  local tmp="$1"
  command -v go >/dev/null 2>&1 || {
    log "go is not installed"
    return 1
  }
  log "building ${pkg}@${version} with $(go version | awk '{print $3}') (takes a few minutes)"
  if ! go_build "${tmp}" ""; then
    cat "${tmp}/go.log" >&2
    # The checksum database (sum.golang.org) is a separate host from the module
    # proxy and may be unreachable here. The module proxy still serves the
    # exact pinned version, and go.sum inside the module pins its
    # dependencies, so retry without the checksum database lookups.
    if grep -qiE 'sum\.golang\.org|verifying module|checksum database|GOSUMDB' "${tmp}/go.log"; then
      log "checksum database (sum.golang.org) unreachable: retrying with GOSUMDB=off"
      if ! go_build "${tmp}" "GOSUMDB=off"; then
        cat "${tmp}/go.log" >&2
        return 1
      fi
    else
      return 1
    fi
  fi
  # restic and kopia have a "version" command ("--version" too), MinIO a "--version" flag;
  # fake-gcs-server has neither (it would start serving): its flag list must print
  if [[ "${tool}" == fake-gcs-server ]]; then
    "${tmp}/bin/${tool}" -help 2>&1 | grep -q -- '-scheme' || return 1
  else
    "${tmp}/bin/${tool}" version >&2 2>/dev/null || "${tmp}/bin/${tool}" --version >&2 || return 1
  fi
  mkdir -p "${dest_dir}"
  # Move within the cache folder (same file system) so the final rename is atomic.
  mv "${tmp}/bin/${tool}" "${dest}.partial"
  mv "${dest}.partial" "${dest}"
  return 0
}

if build_with_go; then
  log "built ${tool} ${version} with go"
  log "source: go"
  echo "${dest}"
  exit 0
fi

deb="${TOOL_DEBIAN[$tool]:-}"
[[ -n "${deb}" ]] || {
  log "go build of ${tool} failed and there is no Debian fallback"
  exit 1
}
log "go build of ${tool} ${version} failed: falling back to Debian's '${deb}' package"
if ! command -v "${tool}" >/dev/null 2>&1 || ! dpkg -s "${deb}" >/dev/null 2>&1; then
  sudo_cmd=()
  [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "${deb}" >&2
fi
bin="$(command -v "${tool}")"
log "using Debian's ${tool}: $("${bin}" version 2>/dev/null | sed -n 1p)"
log "source: debian"
echo "${bin}"
