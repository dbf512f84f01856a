#!/usr/bin/env bash
# Makes the image's class data sharing archive: cds-archive.sh ROOTFS ARCA_JAR OUT_DIR
#
# ROOTFS is the base image's root filesystem, unpacked (.ci/base-image.sh leaves one beside its
# archive). A CDS archive only works with the JVM build that made it, and names arca.jar by path,
# size and time; Jib copies files and cannot run anything. So the archive is made here, before Jib
# runs, by the base's own JRE in the base's own root filesystem (chroot, so the paths are the
# image's: /opt/java/openjdk, /opt/arca/arca.jar with Jib's file time, 1970-01-01T00:00:01Z), on
# an overlay that leaves ROOTFS unchanged. Training is CdsTraining, as in operator/cli: the demo
# and a few S3 requests to a local stub. Writes OUT_DIR/arca.jsa and OUT_DIR/arca.jsa.jvm (the
# JVM's folder, which the launcher compares before it uses the archive).
#
# With ROOTFS empty (a base from a registry, such as eclipse-temurin:25-jre) OUT_DIR stays empty and
# the image has no archive of Arca's classes (the README's "The image" says what that costs).
# Needs root (mount namespaces, overlay, chroot).
set -euo pipefail
rootfs="$1" jar="$2" out="$3"
java_home=/opt/java/openjdk

rm -rf "${out}"
mkdir -p "${out}"
if [[ -z "${rootfs}" ]]; then
  echo "cds-archive: no base root filesystem given (-Darca.image.cds.rootfs): no CDS archive"
  exit 0
fi
[[ -x "${rootfs}${java_home}/bin/java" ]] || { echo "cds-archive: no ${java_home} in ${rootfs}" >&2; exit 1; }
[[ -f "${jar}" ]] || { echo "cds-archive: ${jar} is missing: build operator/cli first" >&2; exit 1; }

work="$(dirname "${out}")/cds-work"
rm -rf "${work}"
mkdir -p "${work}/upper/opt/arca" "${work}/overlay" "${work}/root"
cp "${jar}" "${work}/upper/opt/arca/arca.jar"
touch -d @1 "${work}/upper/opt/arca/arca.jar"
start=$SECONDS
# shellcheck disable=SC2016
unshare --mount --propagation private bash -euo pipefail -c '
  rootfs="$1" work="$2" java_home="$3"
  root="${work}/root"
  mount -t overlay overlay \
    -o "lowerdir=${rootfs},upperdir=${work}/upper,workdir=${work}/overlay" "${root}"
  mount -t proc proc "${root}/proc"
  mount --bind /dev "${root}/dev"
  mount -t tmpfs -o mode=1777 tmpfs "${root}/tmp"
  chroot --userspec=65532:65532 "${root}" /usr/bin/env -i PATH="${java_home}/bin:/usr/bin:/bin" \
    LC_ALL=C.UTF-8 HOME=/tmp "${java_home}/bin/java" -XX:ArchiveClassesAtExit=/tmp/arca.jsa \
    --enable-native-access=ALL-UNNAMED -Xlog:disable -Xlog:all=error:stderr \
    -cp /opt/arca/arca.jar dev.arca.cli.CdsTraining \
    /tmp/cds-training >"${work}/training.log"
  cp "${root}/tmp/arca.jsa" "${work}/arca.jsa"
  chroot "${root}" sh -c "cd ${java_home} && pwd -P" >"${work}/arca.jsa.jvm"
' cds-archive "${rootfs}" "${work}" "${java_home}"
mv "${work}/arca.jsa" "${work}/arca.jsa.jvm" "${out}/"
rm -rf "${work}"
echo "cds-archive: ${out}/arca.jsa ($(du -h "${out}/arca.jsa" | cut -f1)) for $(cat "${out}/arca.jsa.jvm")" \
  "made in $((SECONDS - start)) s"
