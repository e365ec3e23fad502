#!/usr/bin/env bash
# Prints, in one run, what the reproducible configuration (--flash-attn off --cache-type-k f32 --cache-type-v f32)
# buys and costs: how often a request's text changes when other requests run beside it, on the forge's test model,
# by default, with flash attention alone off, and reproducible, and raw llama_decode tokens/s of the ~100M bench
# model in the three (the order rotating, so a slow minute on a shared machine slows each).
# Usage: bench/reproducibility.sh   (ROUNDS=n PAIRS=n THREADS=n PORT=n to override; about 15 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-$(nproc)}
PORT=${PORT:-8182}
ROUNDS=${ROUNDS:-60}
PAIRS=${PAIRS:-5}
BENCH_MODEL=$(realpath -m "${BENCH_MODEL:-artifacts/bench/bench100m-q4km.gguf}")
TEST_MODEL=$(realpath -m artifacts/bench/test-f32.gguf)
URL="http://127.0.0.1:$PORT"
REPRODUCIBLE=(--flash-attn off --cache-type-k f32 --cache-type-v f32)

dotnet build -c Release -v q src/LocalLlm.Cli >/dev/null
dotnet build -c Release -v q src/LocalLlm.Server >/dev/null
localllm() { dotnet run -c Release --no-build --project src/LocalLlm.Cli -- "$@"; }
mkdir -p artifacts/bench
[ -f "$TEST_MODEL" ] || localllm forge --preset test --out "$TEST_MODEL" >/dev/null
[ -f "$BENCH_MODEL" ] || localllm forge --preset bench100m --quant q4_k_m --out "$BENCH_MODEL" >/dev/null

server_pid=""
start_server() {
  dotnet run -c Release --no-build --project src/LocalLlm.Server -- --model "$TEST_MODEL" --alias test --threads "$THREADS" \
    --urls "$URL" --parallel 16 --ctx-size 4096 "$@" >/tmp/localllm-reproducibility-server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "$URL/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "server did not start; see /tmp/localllm-reproducibility-server.log" >&2; exit 1
}
stop_server() { [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }; server_pid=""; }
trap stop_server EXIT

echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Three configurations: llama.cpp's default, flash attention alone off, and the reproducible one.
names=(default flash-off reproducible)
server_flags=("" "--flash-attn off" "${REPRODUCIBLE[*]}")
decode_flags=("" "--flash-attn off" "--flash-attn off --cache-type f32")
for i in 0 1 2; do
  echo "## ${names[$i]} (${server_flags[$i]:-no flags}): the test model, $ROUNDS rounds of probes beside 0-8 background requests"
  # shellcheck disable=SC2086
  start_server ${server_flags[$i]}
  python3 bench/seed-reproducibility.py "$URL" test "$ROUNDS"
  stop_server
done

echo "## raw llama_decode tok/s, $(basename "$BENCH_MODEL"), 256-token prompts, 128 steps; $PAIRS rounds, the order rotating"
rate() { localllm bench-decode --model "$BENCH_MODEL" --batch 1,32 --gen 128 --prompt-len 256 --threads "$THREADS" --repeats 1 "$@" \
  | awk -F'|' '/^\| (1|32) /{gsub(/ /, "", $4); printf "%s ", $4}'; }
results=()
for round in $(seq 1 "$PAIRS"); do
  line="round $round:"
  for k in 0 1 2; do
    i=$(( (k + round) % 3 ))
    # shellcheck disable=SC2086
    r=$(rate ${decode_flags[$i]})
    results+=("${names[$i]} $r")
    line="$line ${names[$i]} $r|"
  done
  echo "$line"
done
python3 - "${results[@]}" <<'PY'
import statistics, sys
rates = {}
for entry in sys.argv[1:]:
    name, one, many = entry.split()
    rates.setdefault(name, []).append((float(one), float(many)))
base = {c: statistics.median(r[c] for r in rates["default"]) for c in (0, 1)}
for name, runs in rates.items():
    one, many = (statistics.median(r[c] for r in runs) for c in (0, 1))
    print(f"{name}: 1 sequence {one:.1f} tok/s ({100 * one / base[0]:.0f} %), 32 sequences {many:.1f} tok/s ({100 * many / base[1]:.0f} %)")
PY
