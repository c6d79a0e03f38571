#!/usr/bin/env bash
# build_tools/main.sh: builds shale in release mode and runs the main job in a
# temporary directory: write an SST file with shale's SstFileWriter, inspect
# it with shale's sst-dump, and have RocksDB's own sst_dump verify and read
# it when rocksdb-tools is installed.  Installs missing Debian packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/build_tools/deps.sh"
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DSHALE_TESTS=OFF >/dev/null
cmake --build "$root/build/release" -j "$(nproc)"
bin="$root/build/release"
work=$(mktemp -d "${TMPDIR:-/tmp}/shale-main-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== shale: write 1,000,000 keys with the SST file writer =="
"$bin/example_sst_demo" "$work/demo.sst" 1000000
echo "== shale sst-dump: properties and verify =="
"$bin/sst-dump" --file="$work/demo.sst" --show_properties --command=verify
echo "== shale sst-dump: first 5 entries =="
"$bin/sst-dump" --file="$work/demo.sst" --command=scan --read_num=5
if command -v sst_dump >/dev/null 2>&1; then
  echo "== RocksDB's sst_dump on shale's file =="
  sst_dump --file="$work/demo.sst" --command=verify
  sst_dump --file="$work/demo.sst" --command=check --verify_checksum
  sst_dump --file="$work/demo.sst" --command=scan --read_num=5
else
  echo "(rocksdb-tools not installed: skipping RocksDB's sst_dump cross-check)"
fi
