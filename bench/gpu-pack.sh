#!/usr/bin/env bash
# Packs what bench/gpu-device.sh needs on a GPU machine without node or network (64 MiB carry):
# a node binary, the CLI and the tfjs GPU check bundled by esbuild, the native onnxruntime-node
# (linux-x64) and webgpu (Dawn) packages, the mobilenet_v2 reference model, and Debian's Vulkan /
# GLVND libraries. Run after `npx turbo run build`; then carry .device/node.xz, .device/nm.tar.xz, .gl.
set -eu
cd "$(dirname "$0")/.."
rm -rf .device/nm && mkdir -p .device/nm/node_modules .gl
[ -f .device/node.xz ] || xz -T2 -9 -c "$(command -v node)" > .device/node.xz
for d in onnxruntime-common debug ms; do cp -r node_modules/$d .device/nm/node_modules/; done
mkdir -p .device/nm/node_modules/onnxruntime-node/bin/napi-v6/linux .device/nm/node_modules/webgpu/dist
cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist .device/nm/node_modules/onnxruntime-node/
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 .device/nm/node_modules/onnxruntime-node/bin/napi-v6/linux/
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/nm/node_modules/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .device/nm/node_modules/webgpu/dist/
banner="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
npx esbuild packages/cli/dist/bin.js --bundle --platform=node --format=esm --target=node20 --log-level=error \
  --external:onnxruntime-node --external:onnxruntime-web --external:webgpu --outfile=.device/nm/cli.mjs --banner:js="$banner"
npx esbuild packages/adapter-tfjs/bench/gpu-check.ts --bundle --platform=node --format=esm --target=node20 --log-level=error \
  --conditions=@modelsummary/source --external:webgpu --outfile=.device/nm/tfjs-check.mjs --banner:js="$banner"
cp "${MODEL:-../shared/reference/models/mobilenet_v2.onnx}" .device/nm/mobilenet_v2.onnx
tar -cf - -C .device/nm . | xz -T2 -6 > .device/nm.tar.xz
if ! ls .gl/*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial && apt-get $o update -qq && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -ch .device/node.xz .device/nm.tar.xz .gl | tail -1
