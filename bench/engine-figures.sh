#!/usr/bin/env bash
# Prints, in one run, the engine figures the project tracks on a ~100M-parameter forge model (Q4_K_M):
#   raw llama_decode tokens/s (no server), serving overhead at 1 stream, batching at 32 streams,
#   prefix caching (TTFT with a shared ~1,000-token prompt, caching on vs off) and 128 concurrent streams.
# Usage: bench/engine-figures.sh   (MODEL=path.gguf THREADS=n PORT=n to override)
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=$(realpath -m "${MODEL:-artifacts/bench/bench100m-q4km.gguf}")
THREADS=${THREADS:-$(nproc)}
PORT=${PORT:-8181}
OUTPUT_LEN=${OUTPUT_LEN:-128}
# Words of the shared preamble; about 1,000 tokens with the forge vocabulary.
PREFIX_WORDS=${PREFIX_WORDS:-340}
ROUNDS=${ROUNDS:-15}
URL="http://127.0.0.1:$PORT"

dotnet build -c Release -v q src/LocalLlm.Cli >/dev/null
dotnet build -c Release -v q src/LocalLlm.Server >/dev/null
localllm() { dotnet run -c Release --no-build --project src/LocalLlm.Cli -- "$@"; }

if [ ! -f "$MODEL" ]; then
  mkdir -p "$(dirname "$MODEL")"
  localllm forge --preset bench100m --quant q4_k_m --out "$MODEL"
fi
id=$(basename "$MODEL" .gguf)

server_pid=""
start_server() {
  dotnet run -c Release --no-build --project src/LocalLlm.Server -- --model "$MODEL" --threads "$THREADS" \
    --urls "$URL" --ctx-size 16384 "$@" >/tmp/localllm-figures-server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "$URL/health" >/dev/null && return 0; sleep 0.5; done
  echo "server did not start; see /tmp/localllm-figures-server.log" >&2; exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT

echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## raw llama_decode (no server)"
localllm bench-decode --model "$MODEL" --batch 1,32 --gen "$OUTPUT_LEN" --threads "$THREADS" --repeats 5 | grep '^|'

echo "## serving overhead at one stream: raw llama_decode and the server alternate, $ROUNDS rounds"
# The two halves of the ratio are measured seconds apart, in alternating order, so a slow minute on a shared machine
# slows both; the median of the per-round ratios is the figure.
start_server --parallel 128
python3 bench/stream-decode-rate.py "$URL" "$id" 1 "$OUTPUT_LEN" >/dev/null
raw_rate() { localllm bench-decode --model "$MODEL" --batch 1 --gen "$OUTPUT_LEN" --threads "$THREADS" --repeats 1 | awk -F'|' '/^\| 1 /{gsub(/ /, "", $4); print $4}'; }
served_rate() { python3 bench/stream-decode-rate.py "$URL" "$id" 1 "$OUTPUT_LEN" | awk '/^median/{print $4}'; }
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then raw=$(raw_rate); served=$(served_rate); else served=$(served_rate); raw=$(raw_rate); fi
  ratio=$(python3 -c "print(f'{100 * $served / $raw:.1f}')")
  ratios+=("$ratio")
  echo "round $round: raw $raw tok/s, served $served tok/s, served/raw $ratio %"
done
python3 -c "import statistics, sys; r = [float(x) for x in sys.argv[1:]]; print(f'serving overhead: served/raw median {statistics.median(r):.1f} % over {len(r)} rounds (min {min(r):.1f}, max {max(r):.1f})')" "${ratios[@]}"
if command -v perf >/dev/null && perf record -q -o /dev/null -- true 2>/dev/null; then
  # Where the server's CPU time goes while it streams: llama.cpp and ggml, or the host (managed code, runtime, kernel).
  server_process=$(pgrep -f "LocalLlm.Server --model $MODEL" | head -1)
  perf record -q -F 999 -p "$server_process" -o /tmp/localllm-figures.perf -- sleep 6 2>/dev/null &
  perf_pid=$!
  sleep 0.5
  python3 bench/stream-decode-rate.py "$URL" "$id" 3 "$OUTPUT_LEN" >/dev/null
  wait "$perf_pid" || true
  perf report -q -i /tmp/localllm-figures.perf --sort dso --stdio 2>/dev/null | awk '
    { share = $1; sub(/%/, "", share); if ($2 ~ /ggml|llama/) native += share; else host += share }
    END { printf "server CPU samples while streaming: llama.cpp + ggml %.1f %%, everything else (host, runtime, kernel, libc, libm) %.1f %%\n", native, host }'
fi

echo "## through the server: 1, 32 and 128 concurrent streams (localllm bench)"
for level in "1 4" "32 64" "128 128"; do
  set -- $level
  localllm bench --base-url "$URL" --model "$id" --concurrency "$1" --num-prompts "$2" --output-len "$OUTPUT_LEN" --input-len 32 \
    --result-dir /tmp/localllm-figures --label "c$1" 2>/dev/null | grep '^|'
done

stop_server

# Both prefix runs start from a fresh server, so they differ only in caching: after the 128-stream run the KV cells
# are scattered, and llama.cpp's attention spans every cell up to the highest one in use.
echo "## prefix caching on: 8 clients sharing a ~1,000-token prompt (fresh server)"
start_server --parallel 128
localllm bench --base-url "$URL" --model "$id" --concurrency 8 --num-prompts 32 --output-len 16 --input-len 16 --shared-prefix-len "$PREFIX_WORDS" \
  --result-dir /tmp/localllm-figures --label prefix-on 2>/dev/null | grep '^|'
stop_server

echo "## prefix caching off: the same workload (fresh server)"
start_server --parallel 128 --no-prefix-caching
localllm bench --base-url "$URL" --model "$id" --concurrency 8 --num-prompts 32 --output-len 16 --input-len 16 --shared-prefix-len "$PREFIX_WORDS" \
  --result-dir /tmp/localllm-figures --label prefix-off 2>/dev/null | grep '^|'
