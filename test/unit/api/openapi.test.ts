import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, openApiDocument } from '../../../functions/api/api-routes.ts';
import { PUBLIC_ROUTES } from '../../../functions/api/permissions.ts';
import { apiFixture } from '../../support/api-fixture.ts';

type Operation = {
  operationId: string;
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

  it('describes every route once, under its id, with its method and path', () => {
    const doc = openApiDocument() as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
  });

  it('requires credentials everywhere but the public routes, and documents problems as problem+json', () => {
    const doc = openApiDocument() as Doc;
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        const isPublic = (PUBLIC_ROUTES as readonly string[]).includes(op.operationId);
        expect(op.security, op.operationId).toEqual(isPublic ? [] : [{ bearerAuth: [] }, { awsSigV4: [] }]);
        if (!isPublic)
          expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(['401', '403']));
        for (const [status, response] of Object.entries(op.responses)) {
          const type = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
          expect(Object.keys(response.content ?? {}), `${op.operationId} ${status}`).toEqual([type]);
        }
      }
    }
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
