#!/usr/bin/env bash
# The GPU check of issues 3, 4 and 7, for a machine with an NVIDIA GPU, no node and no network.
# Carried (ignored) files, made by bench/gpu-pack.sh: .device/node.xz (the node binary),
# .device/nm.tar.xz (the bundled CLI, the tfjs check, the native onnxruntime-node and webgpu
# packages, mobilenet_v2.onnx) and .gl/*.deb (Vulkan loader + GL vendor-neutral dispatch, GPU.md).
# Prints wall times and writes the JSON summaries to $OUT.
set -u
REPO=$(pwd)
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu.log") 2>&1
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$ICD" ] && export VK_DRIVER_FILES=$ICD
W=/tmp/ms && mkdir -p $W
xz -dc .device/node.xz > $W/node && chmod +x $W/node
xz -dc .device/nm.tar.xz | tar -xf - -C $W
N=$W/node
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "node $($N --version)"
cd $W
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for dev in gpu cpu; do
  for i in 1 2 3; do
    s=$(date +%s%N)
    $N cli.mjs mobilenet_v2.onnx --device $dev --format json > "$OUT/onnx-$dev.json" 2> "$OUT/onnx-$dev.err"
    rc=$? w=$(ms $s)
    d=$($N -p "JSON.parse(require('fs').readFileSync('$OUT/onnx-$dev.json','utf8')).device" 2>/dev/null)
    echo "onnx mobilenet_v2 --device $dev run $i: rc=$rc wall=${w}ms device=$d"
  done
  head -c 600 "$OUT/onnx-$dev.err"
done
$N "$REPO/bench/lib/compare-summaries.mjs" "$OUT/onnx-gpu.json" "$OUT/onnx-cpu.json"
$N cli.mjs mobilenet_v2.onnx --device gpu --depth 1 > "$OUT/onnx-gpu-table.txt" 2>&1
head -8 "$OUT/onnx-gpu-table.txt"
echo "== tfjs nsfwjs MobileNetV2: webgpu (Dawn) vs cpu"
s=$(date +%s%N)
$N tfjs-check.mjs 2>&1 | grep -v '^Warning\|^ *at \|^===\|Hi, looks like\|^$'
echo "tfjs check process wall=$(ms $s)ms"
