#!/usr/bin/env bash
# tests/fuzz/run_fuzzer.sh FUZZER CORPUS_DIR SEED_DIR SECONDS
# Seeds the corpus with the real RocksDB files of SEED_DIR (the fuzzer's
# name says which kind), then runs the fuzzer for SECONDS.  Fails on any
# crash, leak, sanitizer report or timeout the fuzzer finds.
set -euo pipefail
fuzzer=$1 corpus=$2 seeds=$3 secs=$4
mkdir -p "$corpus"
case "$(basename "$fuzzer")" in
  fuzz_log*) # the target reads a control byte first: prefix the seeds with 0
    for f in $(find "$seeds" -name '*.log' -o -name 'MANIFEST-*'); do
      { printf '\0'; cat "$f"; } > "$corpus/seed-$(basename "$f")"
    done ;;
  *) find "$seeds" -name '*.sst' | xargs -r cp -t "$corpus" ;;
esac
chmod -R u+w "$corpus"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
