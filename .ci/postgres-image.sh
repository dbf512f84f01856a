#!/usr/bin/env bash
# A PostgreSQL test image made from Debian's packages, for pods on the real node
# (dev.arca.testcluster.node.PostgresImage; operator/e2e's DatabaseDumpTest in real-node mode).
# Prints its folder as the last line on stdout:
#
#   .ci/postgres-image.sh   -> /root/.cache/arca-tools/postgres-15.20-0+deb12u1-r1
#
# The folder holds
#   postgres.oci.tar  a one-layer OCI archive (lib-go.sh's oci_archive, files keeping their owners)
#                     that `ctr -n k8s.io images import` accepts, image arca.test/postgres:MAJOR:
#                     not the official image, no entrypoint script; it runs as the postgres user,
#                     with the server programs on PATH
#   image.env         IMAGE, VERSION (the Debian package's), BIN (/usr/lib/postgresql/MAJOR/bin),
#                     POSTGRES_UID and POSTGRES_GID (the image's postgres user, from its
#                     /etc/passwd; not UID, which is read-only in bash)
# The root filesystem: Debian 12 (bookworm) `minbase` from mmdebstrap with postgresql-MAJOR and its
# dependencies, without documentation, manual pages (but PostgreSQL's own 1 MB, which
# update-alternatives needs), message translations, locale sources (the image uses C.UTF-8, built
# into Debian 12's glibc), the cluster the package creates at install time, and JIT compilation
# (libLLVM, libz3, llvmjit and its bitcode: 160 MB; PostgreSQL runs without JIT when llvmjit.so is
# missing); with the socket folder /run/postgresql that the package's tmpfiles.d makes at boot.
# The build checks it: initdb, a server started with pg_ctl and a query with psql, as the postgres
# user in the root filesystem.
#
# Built once into ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}/, keyed by the package's version (the
# candidate of the machine's apt lists, refreshed before a build and pinned in it) and this script's
# revision; one build at a time (flock), in a temporary folder moved into place at the end, so a
# failed or killed build leaves no folder that looks complete (the next build removes it). Needs
# root (mmdebstrap, chroot, file owners) and installs mmdebstrap and jq when missing. Packages come
# from the machine's apt sources. Quiet: a log line on stderr, a step's output only when it fails.
set -euo pipefail

# oci_archive, publish_dir
# shellcheck source=lib-go.sh
source "$(cd "$(dirname "$0")" && pwd)/lib-go.sh"

# Raise when the image's contents change (packages, exclusions, config), so caches are rebuilt.
IMAGE_REVISION=1
SUITE=bookworm
PG_MAJOR=15 # bookworm's PostgreSQL
PACKAGE="postgresql-${PG_MAJOR}"
IMAGE="arca.test/postgres:${PG_MAJOR}"
BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
ARCHIVE=postgres.oci.tar

log() { echo "postgres-image: $*" >&2; }

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"

# The package version apt would install now, or nothing.
candidate() {
  apt-cache policy "${PACKAGE}" 2>/dev/null | sed -n 's/^ *Candidate: *\([^(].*\)$/\1/p'
}
dest_for() { echo "${cache_root}/postgres-$1-r${IMAGE_REVISION}"; }
complete() { [[ -s "$1/${ARCHIVE}" && -s "$1/image.env" ]]; }
use() {
  log "using cached ${IMAGE} in $1 ($(du -h "$1/${ARCHIVE}" | cut -f1))"
  echo "$1"
  exit 0
}

version="$(candidate)"
[[ -n "${version}" ]] && complete "$(dest_for "${version}")" && use "$(dest_for "${version}")"
[[ "$(id -u)" -eq 0 ]] || { log "needs root (mmdebstrap, chroot, file owners)"; exit 1; }

mkdir -p "${cache_root}"
# One build at a time; with the lock held, folders of builds that were killed can go.
exec 9>"${cache_root}/.postgres-image.lock"
flock 9
if grep -qF " ${cache_root}/.build-postgres." /proc/self/mounts; then
  log "file systems are still mounted under ${cache_root}/.build-postgres.*: unmount them first"
  exit 1
fi
rm -rf "${cache_root}"/.build-postgres.*
tmp="$(mktemp -d "${cache_root}/.build-postgres.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT
build_log="${tmp}/build.log"
# quiet: each step's output goes to the build log, shown only when the step fails
quietly() {
  "$@" </dev/null >>"${build_log}" 2>&1 || {
    log "failed: $1 (the end of its output follows)"
    tail -n 40 "${build_log}" >&2
    exit 1
  }
}

# The version is the key: refresh the lists so that it names what mmdebstrap downloads.
apt-get update -qq >>"${build_log}" 2>&1 || log "apt-get update failed: using the lists as they are"
version="$(candidate)"
[[ -n "${version}" ]] || { log "apt knows no ${PACKAGE} (is ${SUITE} in the apt sources?)"; exit 1; }
dest="$(dest_for "${version}")"
complete "${dest}" && use "${dest}"
missing=()
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]}"
  quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

start=$SECONDS
rootfs="${tmp}/rootfs"
log "building ${IMAGE} from ${PACKAGE} ${version} (debian ${SUITE} minbase, mmdebstrap)"
sources=()
[[ -f /etc/apt/sources.list.d/debian.sources ]] && sources=(/etc/apt/sources.list.d/debian.sources)
libdir="/usr/lib/postgresql/${PG_MAJOR}/lib"
# unshare mode as root: no user namespace (files keep their owners), but mounts in a namespace of
# their own, so a killed build leaves none on the host.
quietly mmdebstrap --mode=unshare --variant=minbase --include="${PACKAGE}=${version}" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/share/i18n/*' \
  --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libLLVM-*' \
  --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libz3.so*' \
  --dpkgopt="path-exclude=${libdir}/llvmjit*" --dpkgopt="path-exclude=${libdir}/bitcode/*" \
  "${SUITE}" "${rootfs}" "${sources[@]}"
installed="$(dpkg-query --admindir="${rootfs}/var/lib/dpkg" -W -f '${Version}' "${PACKAGE}")"
[[ "${installed}" == "${version}" ]] || { log "installed ${installed}, not ${version}"; exit 1; }
ids="$(awk -F: '$1 == "postgres" { print $3 ":" $4 }' "${rootfs}/etc/passwd")"
[[ "${ids}" =~ ^[0-9]+:[0-9]+$ ]] || { log "no postgres user in the image's /etc/passwd"; exit 1; }

# The cluster the package made at install time, its snake-oil TLS key, and what a build leaves.
rm -rf "${rootfs}/etc/postgresql/${PG_MAJOR}" "${rootfs}/var/lib/postgresql/${PG_MAJOR}" \
  "${rootfs}"/var/log/postgresql/* "${rootfs}/etc/ssl/private/ssl-cert-snakeoil.key" \
  "${rootfs}/etc/ssl/certs/ssl-cert-snakeoil.pem" \
  "${rootfs}"/var/cache/apt/* "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/var/log/*.log \
  "${rootfs}"/var/log/apt/* "${rootfs}"/var/cache/debconf/*-old "${rootfs}"/var/lib/dpkg/*-old
for f in /etc/hostname /etc/resolv.conf /etc/machine-id; do rm -f "${rootfs}${f}"; done
# The socket folder (the server's default -k), as the package's tmpfiles.d makes it at boot.
install -d -m 2775 -o "${ids%%:*}" -g "${ids##*:}" "${rootfs}/run/postgresql"

# As the postgres user in the root filesystem, with a /proc of its own and the host's /dev (mounts
# of the check's own mount namespace); the PID namespace ends with the check, so a server left
# running by a failed check ends too.
quietly unshare --mount --propagation private --pid --fork sh -c \
  'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && exec chroot --userspec="$2" "$1" env -i HOME=/tmp LANG=C.UTF-8 \
     PATH="$3:/usr/bin:/bin" sh -ec "$4"' check "${rootfs}" "${ids}" "${BIN}" '
    initdb -D /tmp/check -U postgres -A trust --no-sync >/dev/null
    pg_ctl -D /tmp/check -o "-c listen_addresses=" -l /tmp/check.log -w start
    psql -U postgres -At -c "SELECT version()"
    pg_ctl -D /tmp/check -m fast -w stop'
rm -rf "${rootfs}/tmp/check" "${rootfs}/tmp/check.log" "${rootfs}"/dev/*
server="$(grep -m1 '^PostgreSQL ' "${build_log}" | cut -d' ' -f1-2)"

mkdir "${tmp}/out"
config="$(jq -cn --arg user "${ids}" --arg bin "${BIN}" '{
  User: $user,
  Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:\($bin)", "LANG=C.UTF-8"],
  Cmd: ["postgres", "--version"], WorkingDir: "/tmp", StopSignal: "SIGINT"
}')"
oci_archive "${IMAGE}" "${rootfs}" "${config}" "${tmp}/out/${ARCHIVE}" keep-owners
printf 'IMAGE=%s\nVERSION=%s\nBIN=%s\nPOSTGRES_UID=%s\nPOSTGRES_GID=%s\n' "${IMAGE}" "${version}" \
  "${BIN}" "${ids%%:*}" "${ids##*:}" >"${tmp}/out/image.env"
complete "${tmp}/out" || { log "build incomplete"; exit 1; }
publish_dir "${tmp}/out" "${dest}"
log "built ${dest} in $((SECONDS - start)) s: ${server}, root filesystem $(du -sh "${rootfs}" |
  cut -f1), ${ARCHIVE} $(du -h "${dest}/${ARCHIVE}" | cut -f1)"
echo "${dest}"
