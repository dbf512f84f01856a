#!/usr/bin/env bash
# Backup and restore throughput of arca to MinIO next to file://, on one data set.
#
#   operator/bench/run.sh --size 2g --tools arca --keep --work /tmp/bw   # makes /tmp/bw/dataset
#   operator/bench/s3-throughput.sh /tmp/bw/dataset
#
# Starts a MinIO (built by .ci/go-tools.sh minio) on a free port of 127.0.0.1 with its data in a
# temporary folder, runs a full backup and a full restore of DATASET with file:// and with
# s3://, checks the restores, and prints a Markdown table. Client and server share the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
data="$(cd "${1:?usage: s3-throughput.sh DATASET_DIR}" && pwd)"
arca="${root}/operator/cli/target/arca"
[[ -x "${arca}" ]] || (cd "${root}" && mvn -q -DskipTests package)
minio="$("${root}/.ci/go-tools.sh" minio | tail -1)"

work="$(mktemp -d /tmp/arca-s3-throughput.XXXXXX)"
trap 'kill "${minio_pid:-0}" 2>/dev/null || true; rm -rf "${work}"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export MINIO_ROOT_USER=arca-bench AWS_ACCESS_KEY_ID=arca-bench
export MINIO_ROOT_PASSWORD=arca-bench-secret AWS_SECRET_ACCESS_KEY=arca-bench-secret
MINIO_BROWSER=off "${minio}" server --quiet --address "127.0.0.1:${port}" "${work}/minio" \
  >"${work}/minio.log" 2>&1 &
minio_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:${port}/minio/health/ready" >/dev/null && break
  sleep 0.2
done
export AWS_ENDPOINT_URL="http://127.0.0.1:${port}"
curl -sf -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}" \
  "http://127.0.0.1:${port}/bench" >/dev/null   # create the bucket
export ARCA_PASSWORD=arca-bench-password
bytes="$(du -sb "${data}" | cut -f1)"

seconds() { /usr/bin/time -f '%e %M' -o "${work}/time" "$@" >/dev/null 2>"${work}/stderr" \
  || { cat "${work}/stderr" >&2; exit 1; }; cat "${work}/time"; }
row() { # name, repo url
  "${arca}" init --repo "$2" >/dev/null
  read -r b bm < <(seconds "${arca}" backup --repo "$2" --json "${data}")
  sync
  read -r r rm < <(seconds "${arca}" restore latest --repo "$2" --target "${work}/out-$1" --json)
  (cd "${data}/.." && find "$(basename "${data}")" -type f -print0 | sort -z | xargs -0 sha256sum) >"${work}/a"
  (cd "${work}/out-$1" && find . -mindepth 1 -type f -printf '%P\0' | sort -z | xargs -0 sha256sum) >"${work}/b"
  cmp -s "${work}/a" "${work}/b" || { echo "restore of $1 differs" >&2; exit 1; }
  rm -rf "${work}/out-$1"
  python3 -c "import sys; n=${bytes}/2**20; print(f'| $1 | {float(\"$b\"):.2f} s ({n/float(\"$b\"):.0f} MiB/s) | {float(\"$r\"):.2f} s ({n/float(\"$r\"):.0f} MiB/s) | {int(\"$bm\")/1024:.0f} MiB / {int(\"$rm\")/1024:.0f} MiB |')"
}
echo "Data set: ${data} ($((bytes / 1048576)) MiB); $(java -version 2>&1 | sed -n 1p); MinIO ${minio##*/minio-}"
echo
echo "| repository | full backup | full restore | peak RSS backup / restore |"
echo "|---|--:|--:|--:|"
row file "file://${work}/repo"
row minio "s3://bench/repo"
