#!/usr/bin/env bash
# Prints, in one run, output tokens/s at 1 and 16 concurrent streams for the same forge weights served by the
# llama.cpp backend (GGUF F32) and the ONNX Runtime backend (ONNX FP32, and INT8), from one server process.
# Usage: bench/onnx-vs-llamacpp.sh   (PRESET=demo THREADS=n PORT=n OUTPUT_LEN=n to override)
set -euo pipefail
cd "$(dirname "$0")/.."

PRESET=${PRESET:-demo}
THREADS=${THREADS:-$(nproc)}
PORT=${PORT:-8182}
OUTPUT_LEN=${OUTPUT_LEN:-64}
URL="http://127.0.0.1:$PORT"
DIR=$(realpath -m "artifacts/bench/onnx-vs-llamacpp-$PRESET")

dotnet build -c Release -v q src/LocalLlm.Cli >/dev/null
dotnet build -c Release -v q src/LocalLlm.Server >/dev/null
localllm() { dotnet run -c Release --no-build --project src/LocalLlm.Cli -- "$@"; }

mkdir -p "$DIR"
[ -f "$DIR/model-f32.gguf" ] || localllm forge --preset "$PRESET" --out "$DIR/model-f32.gguf"
[ -d "$DIR/onnx-fp32" ] || localllm forge --preset "$PRESET" --format onnx --precision fp32 --out "$DIR/onnx-fp32"
[ -d "$DIR/onnx-int8" ] || localllm forge --preset "$PRESET" --format onnx --precision int8 --out "$DIR/onnx-int8"
cat >"$DIR/models.yaml" <<YAML
models:
  - { id: llamacpp-f32, backend: llamacpp, path: model-f32.gguf, context_size: 4096, parallel: 16 }
  - { id: onnx-fp32, backend: onnx, path: onnx-fp32, context_size: 4096, parallel: 16 }
  - { id: onnx-int8, backend: onnx, path: onnx-int8, context_size: 4096, parallel: 16 }
YAML

dotnet run -c Release --no-build --project src/LocalLlm.Server -- --models-file "$DIR/models.yaml" --threads "$THREADS" \
  --urls "$URL" >/tmp/localllm-onnx-bench-server.log 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf "$URL/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/health/ready" >/dev/null || { echo "server did not start; see /tmp/localllm-onnx-bench-server.log" >&2; exit 1; }

echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## preset $PRESET, $THREADS threads, $OUTPUT_LEN output tokens per request"
localllm bench --base-url "$URL,$URL,$URL" --model llamacpp-f32,onnx-fp32,onnx-int8 --concurrency 1,16 --output-len "$OUTPUT_LEN" \
  --input-len 32 --result-dir "$DIR/results" --label onnx-vs-llamacpp 2>/dev/null | grep '^|'
