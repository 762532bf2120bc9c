/** Shared by the benchmarks: percentiles, machine description, result files and a compact table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Rounds every number in a summary, so result files stay small and readable. */
export function rounded<T extends object>(summary: T, digits = 1): T {
  const f = 10 ** digits;
  return Object.fromEntries(
    Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * f) / f : v]),
  ) as T;
}

export function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    /** 1, 5 and 15 minute load averages when the result was written: other work on the machine skews it. */
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Writes bench/results/<name>.json and returns its path relative to the repository. */
export function writeResult(name: string, body: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const record = { benchmark: name, timestamp: new Date().toISOString(), machine: machine(), ...body };
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return relative(REPO_ROOT, path);
}

export function table(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** mulberry32: a small, fast, seeded PRNG, so every run generates the same data. Values in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const us = (ns: number) => (ns / 1e3).toFixed(1);
export const ms = (ns: number) => (ns / 1e6).toFixed(1);
export const perSecond = (n: number) => Math.round(n).toLocaleString('en-US');

/** True when the module at `url` is the script node was started with (`tsx bench/<name>.ts`). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(url) === resolve(process.argv[1]);
}
