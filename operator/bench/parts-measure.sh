#!/bin/bash
# Per-part figures (docs/scale-model.md): one Job against the same data in three parts (arca
# backup --part I/3, then arca commit), run one after another and all at once. Data: the dataset
# operator/bench/run.sh --keep leaves (DATA, default /tmp/bw/dataset). Needs root (drops the page
# cache).
# Each on a new file:// repository, the page cache dropped before each step; at the end it checks
# that the joined snapshots hold the same paths, sizes and SHA-256 as the one Job's.
set -euo pipefail
A="$(cd "$(dirname "$0")/../.." && pwd)/operator/cli/target/arca"
D=${DATA:-/tmp/bw/dataset}
W=${WORK:-/tmp/pm}
mkdir -p "$W"
SRC=("$D/model" "$D/data" "$D/checkpoint" "$D/dumps")
export ARCA_PASSWORD=measure
T() { local name=$1; shift; sync; echo 3 > /proc/sys/vm/drop_caches
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KiB peak RSS" "$@" > $W/$name.json; }
rm -rf $W/r-*
for r in single seq par; do $A init --repo file://$W/r-$r > /dev/null; done
T single $A backup --repo file://$W/r-single --host h --json "${SRC[@]}"
for i in 0 1 2; do T seq-part$i $A backup --repo file://$W/r-seq --host h --part $i/3 --run r1 --json "${SRC[@]}"; done
T seq-commit $A commit --repo file://$W/r-seq --run r1 --parts 3 --json
sync; echo 3 > /proc/sys/vm/drop_caches
start=$(date +%s.%N)
for i in 0 1 2; do /usr/bin/time -f "par-part$i: %e s wall, %U s user, %S s sys, %M KiB peak RSS" $A backup --repo file://$W/r-par --host h --part $i/3 --run r1 --json "${SRC[@]}" > $W/par-part$i.json & done
wait
T par-commit $A commit --repo file://$W/r-par --run r1 --parts 3 --json
end=$(date +%s.%N)
echo "par: three parts at once and the commit: $(echo "$end - $start" | bc) s wall"
for r in single seq par; do $A ls --repo file://$W/r-$r latest --json > $W/ls-$r.json; done
W="$W" python3 - <<'PY'
import json, os
def entries(r):
    d=json.load(open(os.path.join(os.environ["W"], f"ls-{r}.json")))
    es=d.get("entries") or d.get("nodes") or []
    return sorted((e.get("path"), e.get("type"), e.get("size"), e.get("sha256")) for e in es)
a=entries("single")
for r in ("seq","par"):
    print(r, "entries", len(entries(r)), "same paths, types, sizes and SHA-256 as one Job:", entries(r)==a)
PY
