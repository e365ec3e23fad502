#!/usr/bin/env bash
# Prints, in one run, what the reproducible configuration (--flash-attn off --cache-type-k f32 --cache-type-v f32)
# buys and costs: how often a request's text changes when other requests run beside it, on the forge's test model,
# by default and reproducible, and raw llama_decode tokens/s of the ~100M bench model in both configurations
# (alternating, so a slow minute on a shared machine slows both).
# Usage: bench/reproducibility.sh   (ROUNDS=n PAIRS=n THREADS=n PORT=n to override)
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
for config in default reproducible; do
  echo "## $config: the test model, $ROUNDS rounds of probes beside 0-8 background requests"
  if [ "$config" = default ]; then start_server; else start_server "${REPRODUCIBLE[@]}"; fi
  python3 bench/seed-reproducibility.py "$URL" test "$ROUNDS"
  stop_server
done

echo "## raw llama_decode tok/s, $(basename "$BENCH_MODEL"), $PAIRS alternating pairs (1 and 32 sequences)"
rate() { localllm bench-decode --model "$BENCH_MODEL" --batch 1,32 --gen 128 --prompt-len 256 --threads "$THREADS" --repeats 1 "$@" \
  | awk -F'|' '/^\| (1|32) /{gsub(/ /, "", $4); printf "%s ", $4}'; }
default_rates=(); reproducible_rates=()
for pair in $(seq 1 "$PAIRS"); do
  if [ $((pair % 2)) -eq 1 ]; then d=$(rate); r=$(rate --flash-attn off --cache-type f32); else r=$(rate --flash-attn off --cache-type f32); d=$(rate); fi
  echo "pair $pair: default $d| reproducible $r"
  default_rates+=("$d"); reproducible_rates+=("$r")
done
python3 - "${#default_rates[@]}" "${default_rates[@]}" "${reproducible_rates[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1]); rows = [r.split() for r in sys.argv[2:]]
default, reproducible = rows[:n], rows[n:]
for column, label in ((0, "1 sequence"), (1, "32 sequences")):
    d = statistics.median(float(r[column]) for r in default)
    r = statistics.median(float(x[column]) for x in reproducible)
    print(f"{label}: default {d:.1f} tok/s, reproducible {r:.1f} tok/s, reproducible/default {100 * r / d:.1f} %")
PY
