#!/usr/bin/env bash
# GPU check for issue 7, for a machine with an NVIDIA GPU, NO node and no internet.
# Expects: the repo copy with built dist (packages/*/dist) and node_modules carried,
#          a node binary at .device/node (or $NODE), Vulkan libs via LD_LIBRARY_PATH,
#          mobilenet_v2.onnx at $MODEL or one of: .device/mobilenet_v2.onnx,
#          ../shared/reference/models/, shared/reference/models/.
# Does: ONNX mobilenet_v2 through the built CLI with --device gpu and --device cpu (JSON), compares
#       rows, and the tfjs nsfwjs MobileNetV2 summary on webgpu vs cpu; prints wall times.
# Writes everything to $OUT (default ./gpu-check-out). Run from the repo root: bash bench/gpu-check.sh
set -u
cd "$(dirname "$0")/.."
NODE="${NODE:-.device/node}"
OUT="${OUT:-gpu-check-out}"
mkdir -p "$OUT"
LOG="$OUT/gpu-check.log"
exec > >(tee "$LOG") 2>&1
[ -x "$NODE" ] || { echo "no node binary at $NODE (set NODE=...)"; exit 2; }
echo "== $(date -u +%FT%TZ) node $("$NODE" --version) on $(uname -m)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null
"$NODE" -e "const o=require('onnxruntime-node'); console.log('onnxruntime-node', o.env.versions.node, 'backends', JSON.stringify(o.listSupportedBackends()))" || true

MODEL="${MODEL:-}"
for m in .device/mobilenet_v2.onnx ../shared/reference/models/mobilenet_v2.onnx shared/reference/models/mobilenet_v2.onnx; do
  [ -z "$MODEL" ] && [ -f "$m" ] && MODEL="$m"
done
BIN=packages/cli/dist/bin.js
now() { date +%s.%N; }
if [ -z "$MODEL" ]; then
  echo "SKIP onnx: mobilenet_v2.onnx not found (set MODEL=path)"
else
  echo "== onnx $MODEL"
  for dev in gpu cpu; do
    for i in 1 2 3; do
      t0=$(now)
      timeout 240 "$NODE" "$BIN" "$MODEL" --device "$dev" --format json > "$OUT/onnx-$dev.json" 2> "$OUT/onnx-$dev.stderr"
      rc=$?
      t1=$(now)
      wall=$(awk "BEGIN{printf \"%.3f\", $t1-$t0}")
      dev_seen=$("$NODE" -e "try{console.log(JSON.parse(require('fs').readFileSync('$OUT/onnx-$dev.json','utf8')).device)}catch{console.log('?')}")
      echo "onnx --device $dev run $i: rc=$rc wall=${wall}s device=$dev_seen"
      echo "onnx,$dev,$i,$rc,$wall,$dev_seen" >> "$OUT/times.csv"
    done
    grep -v '^\s*$' "$OUT/onnx-$dev.stderr" | head -20
  done
  "$NODE" bench/lib/compare-summaries.mjs "$OUT/onnx-gpu.json" "$OUT/onnx-cpu.json" | tee "$OUT/onnx-compare.txt"
  "$NODE" -e "const s=JSON.parse(require('fs').readFileSync('$OUT/onnx-gpu.json','utf8')); console.log('onnx gpu warnings:', JSON.stringify(s.warnings))"
  # table output once, for the eye
  timeout 240 "$NODE" "$BIN" "$MODEL" --device gpu --depth 1 > "$OUT/onnx-gpu-table.txt" 2>&1
fi

echo "== tfjs nsfwjs MobileNetV2 (webgpu backend via the webgpu package)"
t0=$(now)
timeout 300 "$NODE" bench/gpu-tfjs.mjs "$OUT"
rc=$?
t1=$(now)
echo "tfjs check: rc=$rc wall=$(awk "BEGIN{printf \"%.3f\", $t1-$t0}")s (process, incl. both backends x3)"

echo "== optional: ONNX overhead ratios on this machine (cpu + wasm) and tfjs ratios incl. webgpu"
BENCH_MOBILENET="$(realpath "${MODEL:-/nonexistent}" 2>/dev/null || echo /nonexistent)" BENCH_ONLY=onnx,tfjs timeout 400 "$NODE" bench/run.mjs > "$OUT/bench-onnx-tfjs.txt" 2>&1 && cp bench/results/latest.json "$OUT/bench-latest.json"
tail -30 "$OUT/bench-onnx-tfjs.txt"
echo "== done: results in $OUT"
