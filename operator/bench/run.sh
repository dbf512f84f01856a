#!/usr/bin/env bash
# Runs the arca vs restic benchmark; arguments go to dev.arca.bench.Benchmark, e.g.
#   operator/bench/run.sh --size 2g --out docs/bench.md
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 operator/bench/run.sh --size 2g
# JAVA_HOME picks the JVM for both arca (its launcher honours it) and the benchmark itself.
# Builds the project when operator/cli/target/arca is missing, and the benchmark jar when it is
# missing or older than its sources. See operator/bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"

# The project build is only needed when arca runs from its default launcher.
needs_arca=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --arca | --arca=* | --tools=restic | -h | --help) needs_arca=0 ;;
    --tools) [[ "${args[i + 1]:-}" == restic ]] && needs_arca=0 ;;
  esac
done

if [[ ${needs_arca} -eq 1 && ! -x "${root}/operator/cli/target/arca" ]]; then
  echo "run.sh: building the project (operator/cli/target/arca is missing)" >&2
  (cd "${root}" && mvn -q -DskipTests package)
fi

jar="${here}/target/arca-bench.jar"
if [[ ! -f "${jar}" ]] || [[ -n "$(find "${here}/src/main" "${here}/pom.xml" -newer "${jar}" -print -quit)" ]]; then
  echo "run.sh: building the benchmark" >&2
  # in the reactor: arca-samples and arca-contract need not be installed in ~/.m2
  (cd "${root}" && mvn -q -DskipTests -pl operator/bench -am package)
fi

java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="${JAVA_HOME}/bin/java"
fi
exec "${java}" -Xmx3g -Darca.root="${root}" -jar "${jar}" "$@"
