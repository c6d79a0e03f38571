#!/usr/bin/env bash
# build_tools/main.sh: builds shale in release mode and runs the main job:
# first the keyed-state demo pipeline (examples/state_pipeline.c: two
# million synthetic user events through an embedding cache, conversation
# context and sliding-window features on the LSM state backend, printing
# throughput, state size, cache hit ratio and TTL reclaim), then the quick
# S1 benchmark suite (num 300,000, key 16, value 100, bloom 10,
# 64 MiB cache and write buffer, no compression) with shale's db_bench on an
# embedded database in a temporary directory, side by side with RocksDB's
# db_bench (Debian's rocksdb-tools, or $ROCKSDB_DB_BENCH), 3 alternating
# rounds, printing the table of ops/s, ratios, p99 and write amplification.
# Installs missing Debian packages.  Takes about 12 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/build_tools/deps.sh"
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DSHALE_TESTS=OFF >/dev/null
cmake --build "$root/build/release" -j "$(nproc)" --target db_bench sst-dump ldb \
  example_state_pipeline
work=$(mktemp -d "${TMPDIR:-/tmp}/shale-main-XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== keyed-state pipeline (LSM backend) =="
TMPDIR="$work" "$root/build/release/example_state_pipeline" --backend=lsm
echo "== quick S1: shale's db_bench beside RocksDB's =="
python3 "$root/bench/compare.py" --quick --compression none --rounds 3 \
  --shale "$root/build/release/db_bench" --tmpdir "$work" --out "$work/results"
echo "(CSV and JSON were written to a temporary directory; run bench/compare.py --out DIR to keep them)"
