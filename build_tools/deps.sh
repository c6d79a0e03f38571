#!/usr/bin/env bash
# build_tools/deps.sh: installs the Debian packages shale needs, only those
# missing, so a fresh machine is ready and a ready one is left alone.
# Usage: build_tools/deps.sh [--tests]   (--tests adds the test oracle and tools)
set -euo pipefail
# python3 runs bench/compare.py; rocksdb-tools gives the main job RocksDB's
# db_bench to compare against.  libsnappy-dev and libzstd-dev: the Snappy
# and ZSTD block codecs (RocksDB's default and Flink's), optional to CMake.
pkgs=(build-essential cmake pkg-config liblz4-dev libxxhash-dev libsnappy-dev libzstd-dev
      python3 rocksdb-tools)
if [ "${1:-}" = "--tests" ]; then
  # criterion: unit tests; librocksdb-dev + rocksdb-tools: RocksDB 7.8.3 as the
  # oracle; clang + libclang-rt: the sanitizer and libFuzzer builds.
  pkgs+=(libcriterion-dev librocksdb-dev rocksdb-tools clang libclang-rt-14-dev strace)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
