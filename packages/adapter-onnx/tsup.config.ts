import { packageBuild } from '../../tsup.preset.js';

export default packageBuild({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  // onnx-proto (generated protobufjs code, CommonJS) bundled as ESM: Node then loads it in ~5 ms
  // instead of ~30 ms (no CommonJS export scan of a 330 kB file), which the CLI's startup feels.
  // It is therefore a devDependency: the published dist carries it.
  noExternal: ['onnx-proto', 'protobufjs', /^@protobufjs\//],
  // Its types too: the exported graph types hold decoded protos (GraphProto, ...).
  dts: { resolve: ['onnx-proto', 'protobufjs', 'long'] },
});
