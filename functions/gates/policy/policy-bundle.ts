import { gunzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';
import { sha256Hex } from '../../shared/hashing.ts';
import { PolicyBundleError } from './errors.ts';

/** An OPA bundle built with `opa build -t wasm`: the compiled policy, its data and its provenance. */
export interface PolicyBundle {
  /** SHA-256 of the bundle file exactly as built: what a decision says it was evaluated with. */
  sha256: string;
  /** The bundle manifest's revision (policies/VERSION at build time). */
  version: string;
  wasm: Uint8Array;
  data: unknown;
  entrypoints: string[];
}

export function loadPolicyBundle(bytes: Uint8Array): PolicyBundle {
  const sha256 = sha256Hex(bytes);
  let files: { name: string; data?: Uint8Array }[];
  try {
    files = parseTar(gunzipSync(bytes)) as { name: string; data?: Uint8Array }[];
  } catch (error) {
    throw new PolicyBundleError(`policy bundle is not a gzipped tar: ${(error as Error).message}`);
  }
  const file = (name: string) => files.find((f) => f.name.replace(/^\/+/, '') === name)?.data;
  const wasm = file('policy.wasm');
  const manifestBytes = file('.manifest');
  if (!wasm)
    throw new PolicyBundleError('policy bundle has no policy.wasm: build it with `opa build -t wasm`');
  if (!manifestBytes) throw new PolicyBundleError('policy bundle has no .manifest');
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as {
    revision?: string;
    wasm?: { entrypoint: string }[];
  };
  const dataBytes = file('data.json');
  return {
    sha256,
    version: manifest.revision ?? 'unversioned',
    wasm,
    data: dataBytes ? JSON.parse(new TextDecoder().decode(dataBytes)) : {},
    entrypoints: (manifest.wasm ?? []).map((w) => w.entrypoint),
  };
}
