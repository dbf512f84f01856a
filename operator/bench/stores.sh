#!/bin/bash
# Backup, full restore and one-file restore of FOLDER on each object store Arca speaks: file://,
# MinIO (s3://), fake-gcs-server (gs://) and Azurite (azblob://), the servers started here on
# 127.0.0.1 from the test tools' cache (.ci/go-tools.sh minio, fake-gcs-server; .ci/npm-tools.sh
# azurite). Page cache dropped before each step (needs root); every restore compared with the
# source. Then arca copy of MinIO's snapshot into fake-gcs-server and into Azurite, each copy
# restored and compared. Prints wall time, CPU and peak RSS per step and store, two rounds.
#   operator/bench/stores.sh /tmp/br/dataset/checkpoints/checkpoint-200 optimizer.safetensors
set -u
A=$(cd "$(dirname "$0")/../.." && pwd)/operator/cli/target/arca
SRC=$(cd "${1:?usage: stores.sh FOLDER FILE-IN-FOLDER}" && pwd); ONE=${2:?usage: stores.sh FOLDER FILE-IN-FOLDER}; NAME=$(basename "$SRC")
W=/tmp/stores; rm -rf $W; mkdir -p $W
export ARCA_PASSWORD=store-bench-pw
T=${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}
# servers
MINIO_ROOT_USER=bench MINIO_ROOT_PASSWORD=bench-secret-key MINIO_BROWSER=off $T/minio-*/minio server --quiet --address 127.0.0.1:19000 --console-address 127.0.0.1:19001 $W/minio > $W/minio.log 2>&1 &
$T/fake-gcs-server-v1.56.1/fake-gcs-server -scheme http -host 127.0.0.1 -port 19100 -external-url http://127.0.0.1:19100 -public-host 127.0.0.1:19100 -backend filesystem -filesystem-root $W/gcs -log-level warn > $W/gcs.log 2>&1 &
$T/azurite-3.37.0/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort 19200 --location $W/azurite --disableTelemetry --skipApiVersionCheck --silent > $W/az.log 2>&1 &
sleep 4

# buckets
curl -s -X POST -H 'Content-Type: application/json' -d '{"name":"bench"}' "http://127.0.0.1:19100/storage/v1/b?project=x" > /dev/null

cat > $W/Mk.java <<'J'
import com.azure.storage.blob.*; import com.azure.storage.common.*;
import software.amazon.awssdk.services.s3.*; import software.amazon.awssdk.auth.credentials.*; import software.amazon.awssdk.regions.*;
public class Mk { public static void main(String[] a) throws Exception {
  new BlobServiceClientBuilder().endpoint("http://127.0.0.1:19200/devstoreaccount1").credential(new StorageSharedKeyCredential("devstoreaccount1","Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")).buildClient().createBlobContainer("bench");
  S3Client.builder().endpointOverride(java.net.URI.create("http://127.0.0.1:19000")).region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench","bench-secret-key"))).build().createBucket(b->b.bucket("bench"));
}}
J
java -cp "$(dirname "$A")/arca.jar" $W/Mk.java
run() { # store url env...
  local name=$1 url=$2; shift 2
  for step in backup restore; do
    sync; echo 3 > /proc/sys/vm/drop_caches
    if [ $step = backup ]; then
      env "$@" $A init --repo $url > /dev/null 2>&1
      sync; echo 3 > /proc/sys/vm/drop_caches
      /usr/bin/time -f "$name backup wall %e s cpu %U+%S s rss %M KB" env "$@" $A backup --repo $url $SRC > /dev/null 2> $W/$name-b.err; tail -1 $W/$name-b.err
    else
      /usr/bin/time -f "$name restore wall %e s cpu %U+%S s rss %M KB" env "$@" $A restore latest --repo $url --target $W/out-$name > /dev/null 2> $W/$name-r.err; tail -1 $W/$name-r.err
      diff -r $SRC $W/out-$name/$NAME > /dev/null && echo "$name restore identical" || echo "$name restore DIFFERS"
      rm -rf $W/out-$name
      sync; echo 3 > /proc/sys/vm/drop_caches
      /usr/bin/time -f "$name one-file wall %e s cpu %U+%S s rss %M KB" env "$@" $A restore latest --repo $url --include "$NAME/$ONE" --target $W/one-$name > /dev/null 2> $W/$name-o.err; tail -1 $W/$name-o.err
      cmp "$SRC/$ONE" "$W/one-$name/$NAME/$ONE" && echo "$name one-file identical"
      rm -rf $W/one-$name
    fi
  done
}
copy() { # name target-url env...: arca copy from this round's MinIO repository into the target
  local name=$1 url=$2; shift 2
  local S3="AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_ENDPOINT_URL=http://127.0.0.1:19000"
  sync; echo 3 > /proc/sys/vm/drop_caches
  /usr/bin/time -f "minio-to-$name copy wall %e s cpu %U+%S s rss %M KB" env $S3 "$@" $A copy --repo s3://bench/r$round --to $url --init > /dev/null 2> $W/$name-c.err; tail -1 $W/$name-c.err
  env "$@" $A restore latest --repo $url --target $W/copy-$name > /dev/null 2>&1
  diff -r $SRC $W/copy-$name/$NAME > /dev/null && echo "minio-to-$name copy restores identical" || echo "minio-to-$name copy DIFFERS"
  rm -rf $W/copy-$name
}
for round in 1 2; do
run file file://$W/repo-file-$round
run minio s3://bench/r$round AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_ENDPOINT_URL=http://127.0.0.1:19000
run gcs gs://bench/r$round STORAGE_EMULATOR_HOST=http://127.0.0.1:19100
run azure azblob://devstoreaccount1/bench/r$round ARCA_AZURE_ENDPOINT=http://127.0.0.1:19200/devstoreaccount1 AZURE_STORAGE_KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
copy gcs gs://bench/copy$round STORAGE_EMULATOR_HOST=http://127.0.0.1:19100
copy azure azblob://devstoreaccount1/bench/copy$round ARCA_AZURE_ENDPOINT=http://127.0.0.1:19200/devstoreaccount1 AZURE_STORAGE_KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
done
kill %1 %2 %3 2>/dev/null; sleep 1; pkill -f azurite-blob; pkill -f "fake-gcs-server -scheme http -host 127.0.0.1 -port 19100"
