#!/usr/bin/env bash
# tests/fuzz/run_fuzzer.sh FUZZER CORPUS_DIR SEED_DIR SECONDS [LIBFUZZER_FLAG...]
# Seeds the corpus with the real RocksDB files of SEED_DIR (the fuzzer's
# name says which kind), then runs the fuzzer for SECONDS.  Fails on any
# crash, leak, sanitizer report or timeout the fuzzer finds.  Extra flags go
# to libFuzzer (e.g. -fork=2 -ignore_crashes=1 for long unattended runs).
set -euo pipefail
fuzzer=$1 corpus=$2 seeds=$3 secs=$4
shift 4
# cut_blocks FUZZER CORPUS SST...: writes the uncompressed blocks of each
# SST (rocksdb-format.md §6) as seeds, each after the control byte the
# target reads first: for fuzz_block the metaindex (3), the index in all
# four forms (1, 2, 5, 6) and every data block (0); for fuzz_filter each
# "fullfilter." block (0) and a key list to build from (1).
cut_blocks() {
  python3 - "$@" <<'PY'
import os, sys
kind, out, ssts = sys.argv[1], sys.argv[2], sys.argv[3:]

def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v, i

def block(f, off, size):
    # a block and its 5-byte trailer; None when compressed
    return f[off:off + size] if f[off + size] == 0 else None

def entries(blk, delta):
    # (key, value-or-handle) of a block; keys reassembled from deltas
    nr = int.from_bytes(blk[-4:], 'little') & 0x7fffffff
    end, i, key, res, prev = len(blk) - 4 - 4 * nr, 0, b'', [], None
    while i < end:
        sh, i = varint(blk, i); ns, i = varint(blk, i)
        if not delta:
            vl, i = varint(blk, i)
        key = key[:sh] + blk[i:i + ns]; i += ns
        if delta:
            if sh == 0:
                o, i = varint(blk, i); sz, i = varint(blk, i)
            else:
                d, i = varint(blk, i); o = prev[0] + prev[1] + 5
                sz = prev[1] + ((d >> 1) ^ -(d & 1))
            prev = (o, sz); res.append((key, prev))
        else:
            res.append((key, blk[i:i + vl])); i += vl
    return res

def handle(v):
    o, i = varint(v, 0); s, _ = varint(v, i)
    return o, s

def emit(name, ctl, data):
    if data is not None:
        with open(os.path.join(out, name), 'wb') as w:
            w.write(bytes([ctl]) + data)

for path in ssts:
    f = open(path, 'rb').read(); base = os.path.basename(path)
    tail = f[-53:]  # format_version >= 1 footer: type, handles, version, magic
    mo, i = varint(tail, 1); ms, i = varint(tail, i)
    io_, i = varint(tail, i); is_, i = varint(tail, i)
    mblk, iblk = block(f, mo, ms), block(f, io_, is_)
    if kind.startswith('fuzz_filter'):
        for k, v in entries(mblk, False) if mblk else []:
            if k.startswith(b'fullfilter.'):
                o, s = handle(v); emit(base + '.filter', 0, f[o:o + s])
        emit(base + '.keys', 1 + (10 << 2), b'a\nkey1\nkey2\n\nzzz')
        continue
    emit(base + '.meta', 3, mblk)
    for ctl in (1, 2, 5, 6):
        emit(base + '.index%d' % ctl, ctl, iblk)
    if iblk is None:
        continue
    try:
        hs = [h for _, h in entries(iblk, True)]
        if not hs or hs[0][0] != 0:
            hs = [handle(v) for _, v in entries(iblk, False)]
    except Exception:
        continue
    for n, (o, s) in enumerate(hs[:64]):
        if o + s + 5 <= len(f):
            emit('%s.data%d' % (base, n), 0, block(f, o, s))
PY
}
# cut_records PREFIX OUT LOG...: writes each logical record of each log
# file (rocksdb-format.md §3: 32 KiB blocks of crc:4 len:2 type:1 records,
# FULL=1 FIRST=2 MIDDLE=3 LAST=4) as a seed, after the bytes of PREFIX
# (octal escapes, as printf takes them; may be empty).
cut_records() {
  python3 - "$@" <<'PY'
import os, sys
prefix = sys.argv[1].encode().decode('unicode_escape').encode('latin-1')
out, logs = sys.argv[2], sys.argv[3:]
for path in logs:
    f = open(path, 'rb').read(); base = os.path.basename(path)
    pos, n, part = 0, 0, b''
    while pos + 7 <= len(f):
        left = 32768 - pos % 32768
        if left < 7:
            pos += left; continue
        ln = int.from_bytes(f[pos + 4:pos + 6], 'little'); t = f[pos + 6]
        body = f[pos + 7:pos + 7 + ln]; pos += 7 + ln
        if t in (1, 2): part = body
        elif t in (3, 4): part += body
        else: continue
        if t in (1, 4) and n < 200:
            with open(os.path.join(out, '%s.rec%d' % (base, n)), 'wb') as w:
                w.write(prefix + part)
            n += 1
PY
}
mkdir -p "$corpus"
case "$(basename "$fuzzer")" in
  fuzz_log*) # the target reads a control byte first: prefix the seeds with 0
    for f in $(find "$seeds" -name '*.log' -o -name 'MANIFEST-*'); do
      { printf '\0'; cat "$f"; } > "$corpus/seed-$(basename "$f")"
    done ;;
  fuzz_write_batch*) # WAL record payloads, and one batch of every kind
    cut_records '' "$corpus" $(find "$seeds" -name '*.log')
    python3 - "$corpus" <<'PY'
import os, sys
lp = lambda b: bytes([len(b)]) + b
recs = [b'\x01' + lp(b'k1') + lp(b'v1'), b'\x00' + lp(b'k2'), b'\x07' + lp(b'k3'),
        b'\x0f' + lp(b'a') + lp(b'c'), b'\x02' + lp(b'k4') + lp(b'\x01' * 8),
        b'\x05\x03' + lp(b'k5') + lp(b'v5'), b'\x11' + lp(b'k6') + lp(b'blob'),
        b'\x16' + lp(b'k7') + lp(b'\x00\x01\x01c\x01v')]
other = b'\x03' + lp(b'logdata') + b'\x0d' + b'\x09' + b'\x0a' + lp(b'xid') + b'\x0b' + lp(b'xid')
batch = (100).to_bytes(8, 'little') + len(recs).to_bytes(4, 'little') + b''.join(recs) + other
open(os.path.join(sys.argv[1], 'seed-every-kind'), 'wb').write(batch)
PY
    ;;
  fuzz_manifest*) # control byte 0: one VersionEdit; 1: a whole MANIFEST
    cut_records '\000' "$corpus" $(find "$seeds" -name 'MANIFEST-*')
    for f in $(find "$seeds" -name 'MANIFEST-*'); do
      { printf '\001'; cat "$f"; } > "$corpus/seed-$(basename "$f")"
    done ;;
  fuzz_block*|fuzz_filter*) # single blocks cut out of the fixture SSTs
    cut_blocks "$(basename "$fuzzer")" "$corpus" $(find "$seeds" -name '*.sst') ;;
  fuzz_current*) # real CURRENT files and a few edge forms
    find "$seeds" -name CURRENT -print0 | xargs -0 -r -I{} cp {} "$corpus/seed-current"
    printf 'MANIFEST-000001\n' > "$corpus/seed-1"
    printf 'MANIFEST-18446744073709551615\n' > "$corpus/seed-max"
    printf 'MANIFEST-000005' > "$corpus/seed-no-newline" ;;
  *) find "$seeds" -name '*.sst' | xargs -r cp -t "$corpus" ;;
esac
chmod -R u+w "$corpus"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" \
  "$corpus"
