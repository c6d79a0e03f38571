#!/usr/bin/env python3
"""bench/compare.py: the same workloads with RocksDB's db_bench and shale's.

Runs suite S1 (or its quick variant) with both tools, alternating which
goes first, over at least 3 rounds, each run on a fresh directory; prints
a table (workload, RocksDB ops/s, shale ops/s, ratio, p99 of both, write
amplification of both), writes compare.csv and compare.json, and draws
throughput.svg and ratio.svg when gnuplot is installed.  Figures are the
median over rounds.  Python 3 standard library only.

  bench/compare.py --quick                  # num 300,000: daily work
  bench/compare.py                          # S1: num 1,000,000
  ROCKSDB_DB_BENCH=/opt/rocksdb/db_bench bench/compare.py --shale build/db_bench

Every workload runs in one db_bench process on an empty directory; read
workloads first load the keys (fillseq, flush, waitforcompaction) and the
last benchmark of the list is the one measured.  Write amplification is
(WAL + flush + compaction bytes) / user bytes, from the --statistics
tickers of the whole process, so for read workloads it is the load's.
"""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

LOAD = "fillseq,flush,waitforcompaction"
# (name, benchmarks, extra flags); the last benchmark is measured.
WORKLOADS = [
    ("fillseq", "fillseq", []),
    ("fillrandom", "fillrandom", []),
    ("overwrite", "fillseq,overwrite", []),
    ("readrandom", LOAD + ",readrandom", []),
    ("readseq", LOAD + ",readseq", []),
    ("seekrandom", LOAD + ",seekrandom", ["--seek_nexts=10"]),
    ("readwhilewriting", LOAD + ",readwhilewriting", []),
    ("fillsync", "fillsync", ["--writes={sync_writes}"]),
]

RESULT_RE = re.compile(
    r"^(\S+)\s+:\s+([0-9.]+) micros/op ([0-9]+) ops/sec ([0-9.]+) seconds ([0-9]+) operations;",
    re.M)
PCT_RE = re.compile(r"^Percentiles: P50: ([0-9.]+) P75: ([0-9.]+) P99: ([0-9.]+)", re.M)
TICKER_RE = re.compile(r"^(rocksdb\.[a-z0-9.]+) COUNT : ([0-9]+)$", re.M)


def parse_output(text, bench):
    """ops/s and p99 of the last `bench` result line, W-amp of the run."""
    hits = [m for m in RESULT_RE.finditer(text) if m.group(1) == bench]
    if not hits:
        raise RuntimeError("no result line for %s" % bench)
    last = hits[-1]
    pct = PCT_RE.search(text, last.end())
    tickers = {m.group(1): int(m.group(2)) for m in TICKER_RE.finditer(text)}
    user = tickers.get("rocksdb.bytes.written", 0)
    engine = sum(tickers.get(k, 0) for k in
                 ("rocksdb.wal.bytes", "rocksdb.flush.write.bytes", "rocksdb.compact.write.bytes"))
    return {
        "ops_per_sec": int(last.group(3)),
        "p99": float(pct.group(3)) if pct else None,
        "write_amp": engine / user if user else None,
    }


def common_flags(args, compression):
    return ["--num=%d" % args.num, "--key_size=16", "--value_size=100", "--bloom_bits=10",
            "--cache_size=%d" % (64 << 20), "--write_buffer_size=%d" % (64 << 20),
            "--compression_type=%s" % compression, "--threads=1", "--histogram=1",
            "--statistics=1"]


def run_one(tool, binary, workload, compression, args, seed, log):
    name, benches, extra = workload
    workdir = tempfile.mkdtemp(prefix="compare-%s-%s-" % (tool, name), dir=args.tmpdir)
    try:
        flags = common_flags(args, compression) + [
            f.format(sync_writes=args.sync_writes) for f in extra]
        cmd = [binary, "--benchmarks=" + benches, "--db=" + os.path.join(workdir, "db"),
               "--seed=%d" % seed] + flags
        start = time.time()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True)
        log.write("$ %s\n%s\n" % (" ".join(cmd), proc.stdout))
        if proc.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (tool, proc.returncode, " ".join(cmd)))
        res = parse_output(proc.stdout, benches.split(",")[-1])
        res["wall_seconds"] = time.time() - start
        return res
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def find_shale(explicit):
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in ("build/db_bench", "build-release/db_bench"):
        path = os.path.join(here, "..", cand)
        if os.access(path, os.X_OK):
            return os.path.normpath(path)
    return shutil.which("shale-db_bench") or shutil.which("db_bench-shale")


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(rows, out=sys.stdout):
    head = ("workload", "RocksDB ops/s", "shale ops/s", "ratio", "RocksDB p99",
            "shale p99", "RocksDB W-amp", "shale W-amp")
    out.write("%-24s %13s %13s %7s %11s %11s %13s %11s\n" % head)
    for r in rows:
        out.write("%-24s %13s %13s %7s %11s %11s %13s %11s\n" % (
            r["workload"], fmt(r["rocksdb_ops_per_sec"], ",.0f"),
            fmt(r["shale_ops_per_sec"], ",.0f"), fmt(r["ratio"], ".2f"),
            fmt(r["rocksdb_p99"], ".2f"), fmt(r["shale_p99"], ".2f"),
            fmt(r["rocksdb_write_amp"], ".2f"), fmt(r["shale_write_amp"], ".2f")))


def plot(rows, outdir):
    if shutil.which("gnuplot") is None:
        return
    data = os.path.join(outdir, "compare.dat")
    with open(data, "w") as f:
        for r in rows:
            f.write('"%s" %s %s %s\n' % (r["workload"], r["rocksdb_ops_per_sec"] or 0,
                                         r["shale_ops_per_sec"] or 0, r["ratio"] or 0))
    script = """set terminal svg size 1000,500
set style data histograms
set style fill solid 0.8
set xtics rotate by -30
set grid ytics
set output '{o}/throughput.svg'
set title 'ops/sec (median of rounds, log scale)'
set logscale y
plot '{d}' using 2:xtic(1) title 'RocksDB db_bench', '' using 3 title 'shale db_bench'
unset logscale y
set output '{o}/ratio.svg'
set title 'shale / RocksDB throughput'
plot '{d}' using 4:xtic(1) title 'ratio', 1 with lines title 'parity'
""".format(o=outdir, d=data)
    subprocess.run(["gnuplot"], input=script, universal_newlines=True, check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="num 300,000 instead of 1,000,000")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per tool (>= 3)")
    ap.add_argument("--compression", default="none,lz4", help="comma-separated: none,lz4")
    ap.add_argument("--workloads", default=",".join(w[0] for w in WORKLOADS))
    ap.add_argument("--shale", help="shale's db_bench (default: build/db_bench)")
    ap.add_argument("--out", default="compare-results", help="directory for CSV/JSON/plots")
    ap.add_argument("--tmpdir", default=None, help="where fresh databases are made")
    ap.add_argument("--num", type=int, help="override num")
    args = ap.parse_args()
    args.num = args.num or (300000 if args.quick else 1000000)
    args.sync_writes = 3000 if args.quick else 10000
    if args.rounds < 3:
        ap.error("--rounds must be at least 3")
    tools = {}
    rocks = os.environ.get("ROCKSDB_DB_BENCH", "db_bench")
    if shutil.which(rocks):
        tools["rocksdb"] = shutil.which(rocks)
    else:
        print("note: RocksDB db_bench (%s) not found; running shale only" % rocks)
    shale = find_shale(args.shale)
    if not shale:
        ap.error("shale's db_bench not found: build it or pass --shale")
    tools["shale"] = shale
    os.makedirs(args.out, exist_ok=True)
    wanted = args.workloads.split(",")
    workloads = [w for w in WORKLOADS if w[0] in wanted]
    results = {}
    with open(os.path.join(args.out, "compare.log"), "w") as log:
        for rnd in range(args.rounds):
            order = list(tools) if rnd % 2 == 0 else list(reversed(list(tools)))
            for comp in args.compression.split(","):
                for w in workloads:
                    for tool in order:
                        res = run_one(tool, tools[tool], w, comp, args, 1000 + rnd, log)
                        results.setdefault((w[0], comp, tool), []).append(res)
                        print("round %d %-8s %-16s %-5s %10d ops/s" % (
                            rnd + 1, tool, w[0], comp, res["ops_per_sec"]), flush=True)
    rows = []
    for comp in args.compression.split(","):
        for w in workloads:
            row = {"workload": w[0] + ("" if comp == "none" else " (%s)" % comp),
                   "compression": comp}
            for tool in ("rocksdb", "shale"):
                runs = results.get((w[0], comp, tool), [])
                row[tool + "_ops_per_sec"] = median([r["ops_per_sec"] for r in runs])
                row[tool + "_p99"] = median([r["p99"] for r in runs])
                row[tool + "_write_amp"] = median([r["write_amp"] for r in runs])
            a, b = row["rocksdb_ops_per_sec"], row["shale_ops_per_sec"]
            row["ratio"] = b / a if a and b else None
            rows.append(row)
    print()
    print_table(rows)
    with open(os.path.join(args.out, "compare.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        wr.writeheader()
        wr.writerows(rows)
    with open(os.path.join(args.out, "compare.json"), "w") as f:
        json.dump({"num": args.num, "rounds": args.rounds, "tools": tools, "rows": rows,
                   "runs": {"%s/%s/%s" % k: v for k, v in results.items()}}, f, indent=2)
    plot(rows, os.path.abspath(args.out))
    print("\nwrote %s/compare.csv, compare.json%s" % (
        args.out, ", throughput.svg, ratio.svg" if shutil.which("gnuplot") else ""))


if __name__ == "__main__":
    main()
