#!/usr/bin/env bash
# Cost of recording the engine's metrics: `localllm bench-engine` with metrics on (recorded into a Prometheus-style
# aggregator, as the server does) and off (no meter at all), alternating, RUNS runs each; prints each run's output
# tokens/s, both medians and the ratio off/on. The issue's budget: on >= 97% of off.
# Usage: bench/metrics-overhead.sh   (MODEL=path.gguf THREADS=n STREAMS=n RUNS=n OUTPUT_LEN=n to override)
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${MODEL:-artifacts/bench/demo.gguf}
THREADS=${THREADS:-1}
STREAMS=${STREAMS:-16}
RUNS=${RUNS:-5}
OUTPUT_LEN=${OUTPUT_LEN:-128}

dotnet build -c Release -v q src/LocalLlm.Cli >/dev/null
localllm() { dotnet run -c Release --no-build --project src/LocalLlm.Cli -- "$@"; }

if [ ! -f "$MODEL" ]; then
  mkdir -p "$(dirname "$MODEL")"
  localllm forge --preset demo --out "$MODEL" >/dev/null
fi

# Output tokens/s of one run: the second column of the table row for $STREAMS streams.
run() {
  localllm bench-engine --model "$MODEL" --streams "$STREAMS" --threads "$THREADS" --output-len "$OUTPUT_LEN" --metrics "$1" \
    | awk -F'|' -v s="$STREAMS" '$2+0 == s { gsub(/ /, "", $3); print $3 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "## $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); model $MODEL, $STREAMS streams, $THREADS threads, $OUTPUT_LEN tokens each"
on=(); off=()
for i in $(seq 1 "$RUNS"); do
  # Alternate which goes first, so a drift in machine load falls on both sides.
  if (( i % 2 )); then order="on off"; else order="off on"; fi
  for mode in $order; do
    value=$(run "$mode")
    echo "run $i metrics $mode: $value tok/s"
    if [ "$mode" = on ]; then on+=("$value"); else off+=("$value"); fi
  done
done

median_on=$(printf '%s\n' "${on[@]}" | median)
median_off=$(printf '%s\n' "${off[@]}" | median)
echo "median metrics on:  $median_on tok/s"
echo "median metrics off: $median_off tok/s"
awk -v a="$median_on" -v b="$median_off" 'BEGIN { printf "on/off: %.4f (overhead %.2f%%)\n", a / b, (1 - a / b) * 100 }'
