/**
 * Filtered `GET /decisions` over 1,000,000 decisions in the local SQLite store: per filter kind, the p50
 * and p99 latency of the API in-process (the router the Lambda and `verdict serve` share: bearer-token
 * check, zod validation, the store query, JSON, and the access-log write) and over HTTP to the local
 * server, against the raw SQLite query for the same page (the store's SQL, rows only) as the baseline.
 */
import './quiet.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openDatabase } from '../functions/adapters/local/sqlite-database.ts';
import { decisionListIndex, SqliteDecisionStore } from '../functions/adapters/local/sqlite-decision-store.ts';
import { loadOrCreateTokenSigningKey } from '../functions/adapters/local/token-key-file.ts';
import { bearerTokenAuthenticator, issueToken } from '../functions/api/auth/bearer-tokens.ts';
import { createApiRouter } from '../functions/api/router.ts';
import type { Decision } from '../functions/contracts/decision.ts';
import { createLocalServer, localApiDependencies } from '../functions/local/http/server.ts';
import { openLocalRuntimeAt } from '../functions/local/runtime.ts';
import { isMain, prng, rounded, summarize, table, writeResult } from './support.ts';

export const PARAMS = {
  decisions: 1_000_000,
  insertBatch: 20_000,
  models: 200,
  versionsPerModel: 5,
  policyBundles: 4,
  /** Spread of evaluatedAt: one year from 2026-01-01. */
  days: 365,
  pageSize: 100,
  warmup: 20,
  samples: { raw: 300, store: 300, router: 300, http: 100 },
};

const START = Date.UTC(2026, 0, 1);
const OUTCOMES = [
  'allow',
  'allow',
  'allow',
  'allow',
  'allow',
  'allow',
  'deny',
  'deny',
  'deny',
  'review',
] as const;
const RISK = ['minimal', 'limited', 'limited', 'high', 'high', 'high', 'unknown'] as const;
const bundle = (i: number) => i.toString(16).padStart(2, '0').repeat(32);

function decisionAt(i: number, next: () => number): Decision {
  const model = Math.floor(next() * PARAMS.models);
  const version = 1 + Math.floor(next() * PARAMS.versionsPerModel);
  const group = `model-${String(model).padStart(3, '0')}`;
  // 2% prohibited: a rare value, to see a selective filter.
  const riskClass = next() < 0.02 ? 'prohibited' : (RISK[Math.floor(next() * RISK.length)] ?? 'unknown');
  const outcome = OUTCOMES[Math.floor(next() * OUTCOMES.length)] as Decision['decision'];
  return {
    id: `d-${String(i).padStart(7, '0')}`,
    gate: 'model-registry',
    decision: outcome,
    subject: {
      kind: 'model-package',
      id: `arn:aws:sagemaker:local-1:000000000000:model-package/${group}/${version}`,
      group,
      version: String(version),
    },
    riskClass,
    violations:
      outcome === 'allow'
        ? []
        : [
            {
              rule: 'bias.disparate_impact',
              severity: 'high',
              message: 'DI 0.71 < 0.8',
              reference: 'DI < 0.8',
              remediation: 'rebalance',
            },
          ],
    obligations: [],
    policy: {
      bundleSha256: bundle(Math.floor(next() * PARAMS.policyBundles)),
      version: '0.2.0',
      entrypoint: 'verdict/gates/model_registry',
    },
    inputSha256: 'b'.repeat(64),
    evaluatedAt: new Date(
      START + Math.floor((i / PARAMS.decisions) * PARAMS.days * 86_400_000),
    ).toISOString(),
    trigger: {
      eventId: `e-${i}`,
      source: 'aws.sagemaker',
      detailType: 'SageMaker Model Package State Change',
    },
  };
}

interface FilterKind {
  name: string;
  /** A query for sample `i` (values vary so the page cache does not answer every sample). */
  query(i: number, next: () => number): Record<string, string>;
  /** The store's WHERE clause and parameters for that query (the baseline). */
  where(q: Record<string, string>): { sql: string; params: unknown[] };
}

const day = (d: number) => new Date(START + d * 86_400_000).toISOString();
const modelOf = (next: () => number) =>
  `model-${String(Math.floor(next() * PARAMS.models)).padStart(3, '0')}`;

const FILTERS: FilterKind[] = [
  { name: 'none', query: () => ({}), where: () => ({ sql: '', params: [] }) },
  {
    name: 'model',
    query: (_i, next) => ({ model: modelOf(next) }),
    where: (q) => ({ sql: 'subject_group = ?', params: [q.model] }),
  },
  {
    name: 'model+version',
    query: (_i, next) => ({
      model: modelOf(next),
      version: String(1 + Math.floor(next() * PARAMS.versionsPerModel)),
    }),
    where: (q) => ({ sql: 'subject_group = ? AND subject_version = ?', params: [q.model, q.version] }),
  },
  {
    name: 'decision',
    query: () => ({ decision: 'deny' }),
    where: () => ({ sql: 'outcome = ?', params: ['deny'] }),
  },
  {
    name: 'riskClass (2%)',
    query: () => ({ riskClass: 'prohibited' }),
    where: () => ({ sql: 'risk_class = ?', params: ['prohibited'] }),
  },
  {
    name: 'policyBundle',
    query: (_i, next) => ({ policyBundle: bundle(Math.floor(next() * PARAMS.policyBundles)) }),
    where: (q) => ({ sql: 'bundle_sha256 = ?', params: [q.policyBundle] }),
  },
  {
    name: 'from/to (1 day)',
    query: (_i, next) => {
      const d = Math.floor(next() * (PARAMS.days - 1));
      return { from: day(d), to: day(d + 1) };
    },
    where: (q) => ({ sql: 'evaluated_at >= ? AND evaluated_at < ?', params: [q.from, q.to] }),
  },
  {
    name: 'model+from/to (30 days)',
    query: (_i, next) => {
      const d = Math.floor(next() * (PARAMS.days - 30));
      return { model: modelOf(next), from: day(d), to: day(d + 30) };
    },
    where: (q) => ({
      sql: 'subject_group = ? AND evaluated_at >= ? AND evaluated_at < ?',
      params: [q.model, q.from, q.to],
    }),
  },
  {
    name: 'model+decision+riskClass',
    query: (_i, next) => ({ model: modelOf(next), decision: 'deny', riskClass: 'high' }),
    where: (q) => ({
      sql: 'subject_group = ? AND outcome = ? AND risk_class = ?',
      params: [q.model, 'deny', 'high'],
    }),
  },
  {
    name: 'desc, model',
    query: (_i, next) => ({ model: modelOf(next), order: 'desc' }),
    where: (q) => ({ sql: 'subject_group = ?', params: [q.model] }),
  },
];

function timeMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function sampleLatency(n: number, warmup: number, run: (i: number) => Promise<unknown> | unknown) {
  for (let i = 0; i < warmup; i++) await run(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    samples.push(timeMs(start));
  }
  return summarize(samples);
}

export async function runApiQuery(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-bench-api-'));
  try {
    // 1. Bulk insert through the store, in transactions.
    const insertStart = process.hrtime.bigint();
    {
      const db = openDatabase(join(dir, 'verdict.db'));
      const store = new SqliteDecisionStore(db);
      const next = prng(1);
      const batch = db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) void store.record(decisionAt(i, next));
      });
      for (let i = 0; i < PARAMS.decisions; i += PARAMS.insertBatch) {
        batch(i, Math.min(PARAMS.decisions, i + PARAMS.insertBatch));
      }
      db.pragma('optimize');
      db.close();
    }
    const insertMs = timeMs(insertStart);
    console.log(
      `api-query: inserted ${PARAMS.decisions.toLocaleString()} decisions in ${(insertMs / 1000).toFixed(1)} s`,
    );

    // 2. The runtime `verdict serve` opens, its token key, the shared router and the HTTP server.
    const runtime = openLocalRuntimeAt(dir);
    const { privateKey, publicKey } = loadOrCreateTokenSigningKey(dir);
    const token = (await issueToken(privateKey, { role: 'auditor', subject: 'bench', ttlSeconds: 3600 }))
      .token;
    const router = createApiRouter(localApiDependencies(runtime, bearerTokenAuthenticator(publicKey)));
    const server = createLocalServer(runtime, { tokenPublicKey: publicKey });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const raw = openDatabase(join(dir, 'verdict.db'));

    const rows: string[][] = [];
    const results: Record<string, unknown>[] = [];
    for (const filter of FILTERS) {
      const queries = (seed: number, n: number) => {
        const next = prng(seed);
        return Array.from({ length: n + PARAMS.warmup }, (_, i) => ({
          ...filter.query(i, next),
          limit: String(PARAMS.pageSize),
        }));
      };
      const pick = (list: Record<string, string>[], i: number) =>
        list[i < 0 ? -1 - i : PARAMS.warmup + i] as Record<string, string>;

      const rawQueries = queries(7, PARAMS.samples.raw);
      const statements = new Map<string, Statement<unknown[]>>();
      const baseline = await sampleLatency(PARAMS.samples.raw, PARAMS.warmup, (i) => {
        const q = pick(rawQueries, i);
        const { sql, params } = filter.where(q);
        const direction = q.order === 'desc' ? 'DESC' : 'ASC';
        const index = decisionListIndex(q);
        const text = `SELECT seq, body FROM decisions INDEXED BY ${index}${sql ? ` WHERE ${sql}` : ''} ORDER BY evaluated_at ${direction}, seq ${direction} LIMIT ?`;
        let statement = statements.get(text);
        if (!statement) {
          statement = raw.prepare<unknown[]>(text);
          statements.set(text, statement);
        }
        statement.all(...params, PARAMS.pageSize + 1);
      });

      const storeQueries = queries(7, PARAMS.samples.store);
      const viaStore = await sampleLatency(PARAMS.samples.store, PARAMS.warmup, async (i) => {
        const { limit, order, ...filterFields } = pick(storeQueries, i);
        await runtime.decisions.list({
          filter: filterFields,
          limit: Number(limit),
          ...(order === 'desc' && { order: 'desc' as const }),
        });
      });

      const routerQueries = queries(7, PARAMS.samples.router);
      let returned = 0;
      const viaRouter = await sampleLatency(PARAMS.samples.router, PARAMS.warmup, async (i) => {
        const q = pick(routerQueries, i);
        const response = await router({
          version: '2.0',
          routeKey: '$default',
          rawPath: '/decisions',
          rawQueryString: new URLSearchParams(q).toString(),
          headers: { authorization: `Bearer ${token}` },
          queryStringParameters: q,
          requestContext: {
            accountId: 'local',
            apiId: 'local',
            domainName: 'localhost',
            domainPrefix: 'localhost',
            http: {
              method: 'GET',
              path: '/decisions',
              protocol: 'HTTP/1.1',
              sourceIp: '127.0.0.1',
              userAgent: 'bench',
            },
            requestId: `bench-${filter.name}-${i}-${Math.random()}`,
            routeKey: '$default',
            stage: '$default',
            time: '',
            timeEpoch: 0,
          },
          isBase64Encoded: false,
        });
        if (response.statusCode !== 200)
          throw new Error(`${filter.name}: ${response.statusCode} ${response.body}`);
        if (i >= 0)
          returned += (JSON.parse(response.body ?? '{}') as { decisions: unknown[] }).decisions.length;
      });

      const httpQueries = queries(7, PARAMS.samples.http);
      const viaHttp = await sampleLatency(PARAMS.samples.http, PARAMS.warmup, (i) => {
        const q = pick(httpQueries, i);
        return new Promise<void>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              agent,
              path: `/decisions?${new URLSearchParams(q)}`,
              headers: { authorization: `Bearer ${token}` },
            },
            (res) => {
              res.resume();
              res.on('end', () =>
                res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
              );
            },
          );
          req.on('error', reject);
          req.end();
        });
      });

      const ratio = (s: { p50: number }) => Math.round((s.p50 / baseline.p50) * 10) / 10;
      results.push({
        filter: filter.name,
        meanDecisionsPerPage: Math.round((returned / PARAMS.samples.router) * 10) / 10,
        rawSqliteMs: rounded(baseline, 3),
        storeListMs: rounded(viaStore, 3),
        routerMs: rounded(viaRouter, 3),
        httpMs: rounded(viaHttp, 3),
        routerOverRawP50: ratio(viaRouter),
        httpOverRawP50: ratio(viaHttp),
      });
      rows.push([
        filter.name,
        String(Math.round(returned / PARAMS.samples.router)),
        baseline.p50.toFixed(2),
        baseline.p99.toFixed(2),
        viaStore.p50.toFixed(2),
        viaRouter.p50.toFixed(2),
        viaRouter.p99.toFixed(2),
        `${ratio(viaRouter)}x`,
        viaHttp.p50.toFixed(2),
        viaHttp.p99.toFixed(2),
        `${ratio(viaHttp)}x`,
      ]);
    }
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    raw.close();
    runtime.close();

    console.log(
      table(
        `GET /decisions over ${PARAMS.decisions.toLocaleString()} decisions, page ${PARAMS.pageSize} (ms)`,
        [
          'filter',
          'rows',
          'raw p50',
          'raw p99',
          'store p50',
          'router p50',
          'router p99',
          'router/raw',
          'http p50',
          'http p99',
          'http/raw',
        ],
        rows,
      ),
    );
    const file = writeResult('api-query', {
      parameters: PARAMS,
      insert: { decisions: PARAMS.decisions, seconds: Math.round(insertMs / 100) / 10 },
      baseline:
        'raw SQLite: the SELECT the store runs for the first page of the same filter (seq, body; no JSON parse), on a second connection',
      store: 'SqliteDecisionStore.list with the same filter (adds JSON.parse of each body)',
      router:
        'in-process API router (functions/api/router.ts): bearer-token check (EdDSA), zod validation, store query, JSON parse + stringify, access-log insert (SQLite, synchronous=FULL)',
      http: 'the same through verdict serve (node:http, keep-alive, one connection)',
      filters: results,
    });
    console.log(`wrote ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runApiQuery();
