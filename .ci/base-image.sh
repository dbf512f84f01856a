#!/usr/bin/env bash
# Builds the base image CI builds Arca's image on, and prints its folder as the last line on stdout:
#
#   .ci/base-image.sh   -> /root/.cache/arca-tools/arca-base-bookworm-jre-25.0.3+9-r1
#
# The folder holds
#   arca-base.tar   the base as a `docker save` archive (one gzipped layer): what Jib's `tar://`
#                   base image prefix reads (operator/image, -Darca.image.base=tar://...)
#   rootfs/         the same files unpacked: the image build runs the JRE in it (chroot) to make
#                   the image's class data sharing archive (-Darca.image.cds.rootfs=...)
#   size.txt        the sizes of both
# It is what Temurin's public JRE image is to users, made from Debian's packages and the machine's
# Temurin JDK instead of a registry: Debian 12 (bookworm) `minbase` from mmdebstrap with
# ca-certificates; a Java 25 runtime linked by `jlink` with only the modules Arca uses, at
# /opt/java/openjdk with JAVA_HOME and PATH set as in Temurin's images; the user and group arca
# (65532); the C.UTF-8 locale (built into Debian 12's glibc; the image sets LC_ALL itself).
#
# Built once into ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}/, keyed by the suite, the JDK's
# version and this script's revision; built in a temporary folder and moved into place at the end.
# Needs root (mmdebstrap's root mode, chroot) and installs mmdebstrap when missing. Debian packages
# come from the machine's own apt sources.
set -euo pipefail

# Raise when the image's contents change (modules, packages, users), so caches are rebuilt.
BASE_REVISION=1
SUITE=bookworm
JDK="${ARCA_BASE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# `jdeps --multi-release 25 --ignore-missing-deps --print-module-deps operator/cli/target/arca.jar`
# (run it again when dependencies change; nothing checks the list by itself: a missing module shows
# only when the image build's CDS training or ImageTest's round trip needs it), plus jdk.crypto.ec
# (elliptic-curve TLS on JVMs that still ship it as a module).
MODULES="java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql"
MODULES+=",jdk.httpserver,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec"
JAVA_DIR=/opt/java/openjdk
UID_GID=65532

log() { echo "base-image: $*" >&2; }

[[ -r "${JDK}/release" && -x "${JDK}/bin/jlink" ]] || { log "no JDK with jlink at ${JDK}"; exit 1; }
java_version="$(sed -n 's/^JAVA_RUNTIME_VERSION="\([^"]*\)"/\1/p' "${JDK}/release")"
java_version="${java_version%-LTS}"
cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"
dest="${cache_root}/arca-base-${SUITE}-jre-${java_version}-r${BASE_REVISION}"

if [[ -f "${dest}/arca-base.tar" && -x "${dest}/rootfs${JAVA_DIR}/bin/java" ]]; then
  log "using cached base in ${dest} ($(cat "${dest}/size.txt" 2>/dev/null))"
  echo "${dest}"
  exit 0
fi
[[ "$(id -u)" -eq 0 ]] || { log "needs root (mmdebstrap, chroot)"; exit 1; }
if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
fi

start=$SECONDS
mkdir -p "${cache_root}"
tmp="$(mktemp -d "${cache_root}/.build-base.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT
rootfs="${tmp}/rootfs"

log "debian ${SUITE} minbase with ca-certificates (mmdebstrap)"
sources=()
[[ -f /etc/apt/sources.list.d/debian.sources ]] && sources=(/etc/apt/sources.list.d/debian.sources)
# No documentation, manual pages or translations: nothing in the image reads them.
mmdebstrap --quiet --mode=root --variant=minbase --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  "${SUITE}" "${rootfs}" "${sources[@]}" </dev/null >&2

log "java ${java_version} runtime (jlink: ${MODULES})"
mkdir -p "$(dirname "${rootfs}${JAVA_DIR}")"
# --generate-cds-archive: the JDK's own class data sharing archive, which the image's archive of
# Arca's classes (a dynamic archive, made at image build time) is layered on.
"${JDK}/bin/jlink" --add-modules "${MODULES}" --output "${rootfs}${JAVA_DIR}" \
  --strip-debug --no-man-pages --no-header-files --generate-cds-archive >&2
# The archive for heaps without compressed pointers (over 32 GiB) is 15 MB that Arca never maps.
rm -f "${rootfs}${JAVA_DIR}/lib/server/classes_nocoops.jsa"

log "user arca (${UID_GID}), clean-up"
chroot "${rootfs}" groupadd --gid "${UID_GID}" arca
chroot "${rootfs}" useradd --key UID_MAX=65533 --uid "${UID_GID}" --gid "${UID_GID}" --no-create-home \
  --home-dir /nonexistent --shell /usr/sbin/nologin arca
rm -rf "${rootfs}"/var/cache/apt/* "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/var/log/* \
  "${rootfs}"/var/cache/debconf/*-old "${rootfs}"/var/lib/dpkg/*-old "${rootfs}"/dev/*
for f in /etc/hostname /etc/resolv.conf /etc/machine-id; do rm -f "${rootfs}${f}"; done

log "check: java -version as ${UID_GID} in the root filesystem"
# With a /proc of its own (the dynamic loader finds the JRE's libraries through /proc/self/exe).
unshare --mount --propagation private --pid --fork sh -c \
  'mount -t proc proc "$1/proc" && exec chroot --userspec="$2" "$1" "$3/bin/java" -Xshare:on -version' \
  check "${rootfs}" "${UID_GID}:${UID_GID}" "${JAVA_DIR}" >&2

log "docker-save archive"
layer="${tmp}/layer.tar"
tar --create --file "${layer}" --directory "${rootfs}" --numeric-owner --sort=name \
  --xattrs --xattrs-include='security.capability' .
diff_id="sha256:$(sha256sum "${layer}" | cut -d' ' -f1)"
gzip -6 -n "${layer}"
mkdir "${tmp}/archive"
mv "${layer}.gz" "${tmp}/archive/layer.tar.gz"
jq -n --arg diff "${diff_id}" --arg java "${JAVA_DIR}" --arg v "${java_version}" --arg s "${SUITE}" '{
  architecture: "amd64", os: "linux",
  config: {
    Env: ["PATH=\($java)/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "JAVA_HOME=\($java)", "LANG=C.UTF-8"],
    Cmd: ["/bin/sh"]
  },
  rootfs: {type: "layers", diff_ids: [$diff]},
  history: [{created_by: ".ci/base-image.sh: debian \($s) minbase, ca-certificates, jlink java \($v), user arca"}]
}' >"${tmp}/archive/config.json"
jq -n --arg tag "arca-base:${SUITE}-${java_version//+/_}" \
  '[{Config: "config.json", RepoTags: [$tag], Layers: ["layer.tar.gz"]}]' \
  >"${tmp}/archive/manifest.json"
tar --create --file "${tmp}/arca-base.tar" --directory "${tmp}/archive" \
  manifest.json config.json layer.tar.gz
rm -rf "${tmp}/archive"

printf 'rootfs %s, arca-base.tar %s (java runtime %s)\n' "$(du -sh "${rootfs}" | cut -f1)" \
  "$(du -sh "${tmp}/arca-base.tar" | cut -f1)" "$(du -sh "${rootfs}${JAVA_DIR}" | cut -f1)" \
  >"${tmp}/size.txt"
rm -rf "${dest}"
mv "${tmp}" "${dest}"
trap - EXIT
chmod 755 "${dest}"
log "built ${dest} in $((SECONDS - start)) s: $(cat "${dest}/size.txt")"
echo "${dest}"
