import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { LOCAL_API_ROUTES, openApiDocument } from '../../../functions/api/api-routes.ts';
import { PUBLIC_ROUTES } from '../../../functions/api/permissions.ts';
import { API_ROUTE_TABLE, LOCAL_ROUTE_TABLE } from '../../../functions/api/route-table.ts';
import { apiFixture } from '../../support/api-fixture.ts';

type Operation = {
  operationId: string;
  'x-verdict-local-only'?: boolean;
  security: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
  parameters?: { name: string; in: string }[];
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    const doc = structuredClone(openApiDocument()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const validated = (await SwaggerParser.validate(doc as never)) as unknown as Doc;
    expect(Object.keys(validated.paths).length).toBeGreaterThan(0);
  });

  it('describes every route once, under its id, with its method and path (the local download route too)', () => {
    const doc = openApiDocument() as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.sort()).toEqual(LOCAL_API_ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
  });

  it('requires credentials everywhere but the public routes, and documents problems as problem+json', () => {
    const doc = openApiDocument() as Doc;
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        // The download link authorises itself, as a presigned URL does.
        const isPublic =
          (PUBLIC_ROUTES as readonly string[]).includes(op.operationId) ||
          op.operationId === 'reports.download';
        expect(op.security, op.operationId).toEqual(isPublic ? [] : [{ bearerAuth: [] }, { awsSigV4: [] }]);
        if (!isPublic)
          expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(['401', '403']));
        for (const [status, response] of Object.entries(op.responses)) {
          if (op.operationId === 'reports.download' && status === '200') continue;
          const type = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
          expect(Object.keys(response.content ?? {}), `${op.operationId} ${status}`).toEqual([type]);
        }
      }
    }
  });

  it('marks the download route as served by `verdict serve` only, with its part and link parameters', () => {
    const doc = openApiDocument() as Doc;
    const download = doc.paths['/reports/{id}/download']?.get;
    expect(download?.['x-verdict-local-only']).toBe(true);
    expect(JSON.stringify(download)).toMatch(/Served by `verdict serve` only: in AWS.*presigned S3 URLs/);
    expect(download?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:part',
      'query:expires',
      'query:token',
      'path:id',
    ]);
    expect(Object.keys(download?.responses['200']?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/pdf',
      'application/x-ndjson',
      'application/x-tar',
      'text/csv',
      'text/html',
      'text/plain',
    ]);
    const others = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    expect(others.filter((op) => op['x-verdict-local-only']).map((op) => op.operationId)).toEqual([
      'reports.download',
    ]);
  });

  it('documents the ledger export link and, on granting and revoking, the command for where the API cannot write', () => {
    const doc = openApiDocument() as Doc & {
      components: { schemas: Record<string, { properties: object }> };
      paths: Record<string, Record<string, { description?: string }>>;
    };
    expect(Object.keys(doc.components.schemas.LedgerExportJob?.properties ?? {})).toContain('download');
    expect(doc.paths['/exceptions']?.post?.description).toContain('`verdict exception grant --stack NAME`');
    expect(doc.paths['/exceptions/{id}/revocation']?.post?.description).toContain(
      '`verdict exception revoke ID --stack NAME`',
    );
    expect(Object.keys(doc.paths['/exceptions/{id}/revocation']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '403', '404', '409', '503']),
    );
  });

  it('documents the report links GET /reports/{id} gives: report, manifest, citations', () => {
    const doc = openApiDocument() as { components: { schemas: Record<string, { properties: object }> } };
    const job = doc.components.schemas.ReportJob;
    expect(Object.keys(job?.properties ?? {})).toEqual(
      expect.arrayContaining(['download', 'manifest', 'citations']),
    );
  });

  it("names, in the README's Auditor API table, only paths the route table declares", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('\n## Auditor API\n');
    const rows = readme
      .slice(start, readme.indexOf('\n## ', start + 1))
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const named = rows.flatMap((row) =>
      [...(row.split(' | ')[0] ?? '').matchAll(/`(GET|POST) (\/[^ `?]*)/g)].map((m) => `${m[1]} ${m[2]}`),
    );
    const declared = Object.values({ ...API_ROUTE_TABLE, ...LOCAL_ROUTE_TABLE }).map(
      (r) => `${r.method} ${r.path}`,
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((route) => !declared.includes(route))).toEqual([]);
  });

  it('documents POST /deployments: the Idempotency-Key header, 200 (repeat), 201 (verdict serve) and 202 (AWS)', () => {
    const doc = openApiDocument() as Doc;
    const post = doc.paths['/deployments']?.post as (Operation & { description?: string }) | undefined;
    expect(post?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['header:idempotency-key']);
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '201', '202', '409']));
    expect(post?.description).toMatch(/In AWS .* 202.*`verdict serve` runs it before answering: 201/);
  });

  it('lists the decision filters as query parameters', () => {
    const doc = openApiDocument() as Doc;
    const names = doc.paths['/decisions']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual([
      'query:model',
      'query:version',
      'query:decision',
      'query:riskClass',
      'query:policyBundle',
      'query:from',
      'query:to',
      'query:order',
      'query:limit',
      'query:cursor',
    ]);
  });

  it('is served at GET /openapi.json without credentials', async () => {
    const api = apiFixture();
    try {
      const response = await api.call('GET', '/openapi.json');
      expect(response.status).toBe(200);
      expect(response.body).toEqual(openApiDocument());
    } finally {
      api.close();
    }
  });
});
