import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES } from '../../../functions/gates/middleware/reject-bad-input.ts';
import { localPolicyEngine } from '../../../functions/local/local-policy-engine.ts';
import { gateOneEvent, OFFLINE_MAX_EVENT_BYTES } from '../../../functions/local/offline-gate.ts';
import type { ObjectStore } from '../../../functions/ports/object-store.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';
import {
  handlerDecision,
  SAMPLE_SYSTEMS,
  sampleEvent,
  sampleInputs,
} from '../../support/offline-gate-parity.ts';

const fixedNow = () => new Date('2026-12-07T12:00:00.000Z');

describe('offline gate (the core without the Lambda middleware)', () => {
  it.each(SAMPLE_SYSTEMS)('decides %s exactly as the Lambda handler does', async (system) => {
    const event = sampleEvent();
    const expected = await handlerDecision(event, system, fixedNow);
    const outcome = await gateOneEvent(event, {
      ...(await sampleInputs(event, system)),
      policyEngine: localPolicyEngine(),
      environment: 'dev',
      now: fixedNow,
    });
    expect(outcome.status).toBe('decided');
    if (outcome.status !== 'decided') return;
    // Both measure their own policy evaluation; everything else is the same.
    const { evaluationMs, ...decision } = outcome.decision;
    const { evaluationMs: handlerMs, ...handler } = expected;
    expect(evaluationMs).toBeGreaterThan(0);
    expect(handlerMs).toBeGreaterThan(0);
    expect(JSON.stringify(decision, null, 2)).toBe(JSON.stringify(handler, null, 2));
  });

  it('denies when the policy engine cannot be loaded (fail closed)', async () => {
    const event = sampleEvent();
    const outcome = await gateOneEvent(event, {
      ...(await sampleInputs(event, 'credit-scorer')),
      policyEngine: () => Promise.reject(new Error('bundle missing')),
      environment: 'dev',
    });
    expect(outcome).toMatchObject({ status: 'decided', approvalStatus: 'Rejected' });
    if (outcome.status !== 'decided') return;
    expect(outcome.decision.violations.map((v) => v.rule)).toEqual(['gate.policy_unavailable']);
  });

  it('denies when loading the inputs outlasts the deadline (fail closed)', async () => {
    const event = sampleEvent();
    const { registry } = await sampleInputs(event, 'credit-scorer');
    const never = () => new Promise<never>(() => undefined);
    const objects: ObjectStore = { get: never, stat: never, put: never, getRange: never, stream: never };
    const outcome = await gateOneEvent(event, {
      registry,
      objects,
      policyEngine: localPolicyEngine(),
      environment: 'dev',
      deadlineMs: 20,
    });
    if (outcome.status !== 'decided') throw new Error(outcome.status);
    expect(outcome.decision.decision).toBe('deny');
    expect(outcome.decision.violations.map((v) => v.rule)).toEqual(['gate.inputs_unavailable']);
  });

  it('refuses an event over the limit the Lambda handler enforces', async () => {
    expect(OFFLINE_MAX_EVENT_BYTES).toBe(MAX_EVENT_BYTES);
    const event = sampleEvent();
    const padded = { ...event, detail: { ...event.detail, Padding: 'x'.repeat(MAX_EVENT_BYTES) } };
    const error = await gateOneEvent(padded, {
      ...(await sampleInputs(event, 'credit-scorer')),
      policyEngine: localPolicyEngine(),
      environment: 'dev',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('event.too_large');
  });
});
