import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alarmStateChangeDetailSchema,
  alarmStateChangeEventSchema,
} from '../../../functions/contracts/cloudwatch-alarm-state-change.ts';
import { matchesPattern } from '../../../functions/events/event-pattern.ts';
import { routes } from '../../../functions/routes.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/events/cloudwatch-alarm-state-change.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & { detail: Record<string, unknown> };

const route = routes.find((r) => r.id === 'deployment-alarm');

describe('the CloudWatch Alarm State Change contract', () => {
  it('describes the event CloudWatch sends, whole, and keeps the fields it does not name', () => {
    expect(alarmStateChangeEventSchema.parse(fixture)).toEqual(fixture);
    const extra = { ...fixture.detail, alarmTags: { team: 'risk' }, alarmTagsStatus: 'ok' };
    expect(alarmStateChangeDetailSchema.parse(extra)).toEqual(extra);
  });

  it("describes a composite alarm's detail (an alarm rule instead of metrics)", () => {
    const composite = {
      ...fixture.detail,
      configuration: { alarmRule: 'ALARM(credit-scorer-5xx) OR ALARM(credit-scorer-p99-latency)' },
    };
    expect(alarmStateChangeDetailSchema.parse(composite)).toEqual(composite);
  });

  it('refuses a state CloudWatch does not have', () => {
    const detail = { ...fixture.detail, state: { ...(fixture.detail.state as object), value: 'FIRING' } };
    expect(alarmStateChangeDetailSchema.safeParse(detail).success).toBe(false);
  });

  it('is routed to the orchestrator from the default bus when the alarm goes into ALARM only', () => {
    expect(route).toMatchObject({ bus: 'default', target: 'deployment-orchestrator' });
    if (!route) return;
    expect(matchesPattern(route.pattern, fixture)).toBe(true);
    for (const value of ['OK', 'INSUFFICIENT_DATA']) {
      const event = { ...fixture, detail: { ...fixture.detail, state: { value } } };
      expect(matchesPattern(route.pattern, event)).toBe(false);
    }
  });
});
