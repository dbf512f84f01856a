#!/usr/bin/env bash
# Installs pinned test servers from the npm registry and prints the absolute path of the program
# as the last line on stdout.
#
#   .ci/npm-tools.sh azurite   -> /root/.cache/arca-tools/azurite-3.37.0/node_modules/.bin/azurite-blob
#
# Each goes into ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}/TOOL-VERSION/, outside the
# checkout, and is reused when present. The install goes to a temporary folder first and is moved
# into place at the end, so an interrupted install leaves nothing half-made behind. Needs node
# and npm (Debian's nodejs and npm packages; .ci/test installs them when missing).
set -euo pipefail

# Azure Storage's emulator; the azblob:// tests run its Blob service on 127.0.0.1.
AZURITE_VERSION="3.37.0"

declare -A TOOL_PACKAGE=([azurite]="azurite@${AZURITE_VERSION}")
declare -A TOOL_VERSION=([azurite]="${AZURITE_VERSION}")
declare -A TOOL_BIN=([azurite]="azurite-blob")

log() { echo "npm-tools: $*" >&2; }

[[ $# -eq 1 && -n "${TOOL_PACKAGE[${1:-}]:-}" ]] || {
  echo "usage: $0 TOOL   (one of: ${!TOOL_PACKAGE[*]})" >&2
  exit 2
}
tool="$1"
cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
dest="${cache_root}/${tool}-${TOOL_VERSION[$tool]}"
bin="${dest}/node_modules/.bin/${TOOL_BIN[$tool]}"

if [[ -x "${bin}" ]]; then
  log "using cached ${tool} ${TOOL_VERSION[$tool]}"
  echo "${bin}"
  exit 0
fi
command -v npm >/dev/null 2>&1 || {
  log "npm is not installed"
  exit 1
}
mkdir -p "${cache_root}"
tmp="$(mktemp -d "${cache_root}/.install-${tool}.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT
log "installing ${TOOL_PACKAGE[$tool]} with npm $(npm --version) and node $(node --version)"
npm install --prefix "${tmp}" --no-audit --no-fund --loglevel=error "${TOOL_PACKAGE[$tool]}" >&2
"${tmp}/node_modules/.bin/${TOOL_BIN[$tool]}" --version >&2
rm -rf "${dest}"
mv "${tmp}" "${dest}"
trap - EXIT
echo "${bin}"
