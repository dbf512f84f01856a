# Shared by the scripts that build Go programs from the module proxy into the tools cache
# (.ci/kube-tools.sh, .ci/node-tools.sh, .ci/csi-tools.sh). Source it; it defines:
#
#   go_env                  CGO_ENABLED=0 (static binaries), -trimpath, the local toolchain only
#   go_retry CMD...         runs CMD; when it failed on the checksum database (sum.golang.org
#                           unreachable), runs it again with GOSUMDB=off: the module proxy still
#                           serves the exact pinned versions. Needs GO_LOG (a file for go's stderr).
#   go_mod_field F M@V      a field (Dir, GoMod, ...) of `go mod download -json M@V`
#   go_version_replaces GOMOD [SKIP...]
#                           the "OLD => NEW VERSION" replace lines of a go.mod (one-line and block
#                           form), the ones pointing at folders and the modules named in SKIP
#                           left out: what a build module requiring that module must repeat
#   publish_dir SRC DEST    moves a finished build into the cache so that DEST appears complete
#                           or not at all (both in the cache folder, one file system), in place
#                           of an incomplete DEST
#   oci_archive NAME ROOTFS CONFIG_JSON OUT [keep-owners]
#                           a one-layer OCI image archive that `ctr -n k8s.io images import`
#                           accepts (see below)

go_env() {
  export CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local
}

go_retry() {
  if ! "$@" 2>"${GO_LOG}"; then
    cat "${GO_LOG}" >&2
    if grep -qiE 'sum\.golang\.org|verifying module|checksum database' "${GO_LOG}"; then
      echo "checksum database unreachable: retrying with GOSUMDB=off" >&2
      GOSUMDB=off "$@"
    else
      return 1
    fi
  fi
}

go_mod_field() {
  local field="$1" json
  json="$(go_retry go mod download -json "$2")" || return 1
  sed -n 's/^[[:space:]]*"'"${field}"'": "\(.*\)",*$/\1/p' <<<"${json}"
}

go_version_replaces() {
  local gomod="$1"
  shift
  awk -v skip=" $* " '
    /^replace[[:space:]]*\(/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    {
      line = $0
      if (!block) { if (line !~ /^replace[[:space:]]/) next; sub(/^replace[[:space:]]+/, "", line) }
      n = split(line, f, /[[:space:]]+/)
      # OLD [OLDV] => NEW NEWV; a folder target has no version
      for (i = 1; i <= n; i++) if (f[i] == "=>") break
      if (i > n || i + 2 > n || f[i + 1] ~ /^\.|^\//) next
      if (index(skip, " " f[1] " ") > 0) next
      print f[1] " => " f[i + 1] " " f[i + 2]
    }' "${gomod}"
}

publish_dir() {
  local src="$1" dest="$2"
  rm -rf "${dest}.partial"
  mv "${src}" "${dest}.partial"
  rm -rf "${dest}" # an incomplete one (mv would move the new one into it)
  mv "${dest}.partial" "${dest}"
}

# oci_archive NAME ROOTFS CONFIG_JSON OUT [keep-owners]: the files of ROOTFS as one uncompressed
# layer (owned by root, or with keep-owners by their numeric owners in ROOTFS, as a root filesystem
# made by a package manager needs; mtime 0, sorted: the same input gives the same digests),
# CONFIG_JSON as the image config's "config" object, NAME as the io.containerd.image.name
# annotation.
oci_archive() {
  local name="$1" rootfs="$2" config="$3" out="$4" work owners=(--owner=0 --group=0)
  [[ "${5:-}" == keep-owners ]] && owners=()
  work="$(mktemp -d)"
  mkdir -p "${work}/blobs/sha256"
  tar --sort=name --mtime=@0 "${owners[@]}" --numeric-owner -C "${rootfs}" -cf "${work}/layer.tar" .
  local layer_digest layer_size cfg cfg_digest cfg_size man man_digest man_size
  layer_digest="$(sha256sum "${work}/layer.tar" | cut -d' ' -f1)"
  layer_size="$(stat -c %s "${work}/layer.tar")"
  mv "${work}/layer.tar" "${work}/blobs/sha256/${layer_digest}"
  cfg="$(jq -cn --argjson c "${config}" --arg d "sha256:${layer_digest}" \
    '{architecture: "amd64", os: "linux", config: $c, rootfs: {type: "layers", diff_ids: [$d]}}')"
  printf '%s' "${cfg}" > "${work}/cfg"
  cfg_digest="$(sha256sum "${work}/cfg" | cut -d' ' -f1)"
  cfg_size="$(stat -c %s "${work}/cfg")"
  mv "${work}/cfg" "${work}/blobs/sha256/${cfg_digest}"
  man="$(jq -cn --arg cd "sha256:${cfg_digest}" --argjson cs "${cfg_size}" \
    --arg ld "sha256:${layer_digest}" --argjson ls "${layer_size}" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]}')"
  printf '%s' "${man}" > "${work}/man"
  man_digest="$(sha256sum "${work}/man" | cut -d' ' -f1)"
  man_size="$(stat -c %s "${work}/man")"
  mv "${work}/man" "${work}/blobs/sha256/${man_digest}"
  jq -cn --arg md "sha256:${man_digest}" --argjson ms "${man_size}" --arg n "${name}" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: $md, size: $ms, annotations: {"io.containerd.image.name": $n,
      "org.opencontainers.image.ref.name": ($n | sub(".*:"; ""))}}]}' > "${work}/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "${work}/oci-layout"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "${work}" \
    -cf "${out}.partial" oci-layout index.json blobs
  mv "${out}.partial" "${out}"
  rm -rf "${work}"
}
