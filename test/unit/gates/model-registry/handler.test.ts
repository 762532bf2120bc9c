import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES } from '../../../../functions/gates/middleware/reject-bad-input.ts';
import { createModelRegistryGateHandler } from '../../../../functions/gates/model-registry/create-handler.ts';
import { localLambdaContext } from '../../../../functions/local/lambda-context.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';
import { gateFixture, sample } from '../../../support/gate-fixture.ts';

const context: Context = localLambdaContext('model-registry-gate', 60);

async function setup() {
  const f = gateFixture();
  const pkg = await f.register('credit', {
    profile: sample('credit-scorer.profile.json'),
    report: sample('credit-scorer.analysis.json'),
  });
  const handler = createModelRegistryGateHandler(f.deps);
  const event = f.registry.toStateChangeEvent(pkg, { id: 'evt-1' }) as unknown as Record<string, unknown>;
  return { f, pkg, handler, event };
}

async function rejectionOf(run: Promise<unknown>): Promise<InvalidInputError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('model-registry gate handler', () => {
  it('gates a pending model package and returns a summary', async () => {
    const { f, handler, event } = await setup();
    const summary = await handler(event, context);
    expect(summary).toMatchObject({ status: 'decided', decision: 'allow', approvalStatus: 'Approved' });
    expect((await f.decisions.list()).decisions).toHaveLength(1);
  });

  it('returns the stored result for a redelivered event id without running the gate again', async () => {
    const { f, pkg, handler, event } = await setup();
    const first = await handler(event, context);
    const second = await handler(structuredClone(event), context);
    expect(second).toEqual(first);
    expect((await f.decisions.list()).decisions).toHaveLength(1);
    expect(await f.registry.statusHistory(pkg.arn)).toHaveLength(2);
    expect(f.published).toHaveLength(1);
  });

  describe('bad input is rejected, recorded without its payload, and changes no model', () => {
    const cases: [string, (event: Record<string, unknown>) => unknown, string, string[]][] = [
      [
        'an event that is not an object',
        () => 'not json',
        'event.invalid',
        ['(root): Invalid input: expected object, received string'],
      ],
      [
        'an event without detail',
        ({ detail: _detail, ...rest }) => rest,
        'event.invalid',
        ['detail: Invalid input: expected object, received undefined'],
      ],
      [
        'a detail with wrong types',
        (e) => ({ ...e, detail: { ...(e.detail as object), ModelPackageVersion: '1' } }),
        'event.invalid',
        ['detail.ModelPackageVersion: Invalid input: expected number, received string'],
      ],
      [
        'an unknown detail-type',
        (e) => ({ ...e, 'detail-type': 'SageMaker Model Package Deleted' }),
        'event.invalid',
        ['detail-type: Invalid input: expected "SageMaker Model Package State Change"'],
      ],
      [
        'an oversized payload',
        (e) => ({ ...e, detail: { ...(e.detail as object), Padding: 'x'.repeat(MAX_EVENT_BYTES) } }),
        'event.too_large',
        [expect.stringMatching(/^\(root\): \d+ bytes exceeds 262144$/) as unknown as string],
      ],
    ];

    it.each(cases)('%s', async (_name, mutate, code, problems) => {
      const { f, pkg, handler, event } = await setup();
      const error = await rejectionOf(handler(mutate(event) as never, context));
      expect(error.code).toBe(code);
      expect(error.problems).toEqual(problems);

      const rejections = await f.decisions.listRejections();
      expect(rejections).toHaveLength(1);
      expect(rejections[0]).toMatchObject({ gate: 'model-registry', code });
      expect(JSON.stringify(rejections[0])).not.toContain('verdict:profile');
      expect((await f.decisions.list()).decisions).toEqual([]);
      expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('PendingManualApproval');
      expect(f.published).toEqual([]);
    });
  });

  it('records a rejection for an invalid profile and leaves the model pending', async () => {
    const { f, handler } = await setup();
    const pkg = await f.register('broken', {
      profile: '{"name": ',
      report: sample('credit-scorer.analysis.json'),
    });
    const event = f.registry.toStateChangeEvent(pkg, { id: 'evt-broken' });
    const error = await rejectionOf(handler(event as never, context));
    expect(error.code).toBe('profile.invalid');
    expect(error.problems[0]).toMatch(/^profile: not JSON \(/);
    expect((await f.decisions.listRejections())[0]).toMatchObject({
      eventId: 'evt-broken',
      code: 'profile.invalid',
    });
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('PendingManualApproval');
  });
});
