#!/usr/bin/env bash
# run-image.sh ROOT DATA UID:GID [NAME=VALUE...] -- COMMAND [ARG...]
#
# Runs COMMAND in an image's unpacked root filesystem ROOT roughly as a container runtime does, but
# with none: new mount and PID namespaces, ROOT read-only (as the chart's pods have it), a fresh
# /proc, the host's /dev, an empty tmpfs on /tmp, the folder DATA writable at /data, as UID:GID,
# with exactly the environment given (the image's Env and the test's own). The host's network.
# Needs root. ImageTest uses it; it is not a sandbox.
set -euo pipefail
if [[ -z "${RUN_IMAGE_INSIDE:-}" ]]; then
  RUN_IMAGE_INSIDE=1 exec unshare --mount --propagation private --pid --fork bash "$0" "$@"
fi
unset RUN_IMAGE_INSIDE
root="$1" data="$2" user="$3"
shift 3
envs=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  envs+=("$1")
  shift
done
shift
mkdir -p "${root}/data"
mount --bind "${root}" "${root}"
mount -t proc proc "${root}/proc"
mount --bind /dev "${root}/dev"
mount -t tmpfs -o mode=1777 tmpfs "${root}/tmp"
mount --bind "${data}" "${root}/data"
mount -o remount,bind,ro "${root}"
exec chroot --userspec="${user}" "${root}" /usr/bin/env -i "${envs[@]}" "$@"
