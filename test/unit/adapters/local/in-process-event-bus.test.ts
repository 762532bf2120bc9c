import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BusEvent,
  entrySize,
  InProcessEventBus,
  MAX_ENTRY_BYTES,
  type PutEventsRequestEntry,
  PutEventsValidationError,
  type TargetInvoker,
} from '../../../../functions/adapters/local/in-process-event-bus.ts';
import type { EventPattern } from '../../../../functions/events/event-pattern.ts';
import { type Route, routes } from '../../../../functions/routes.ts';

const sageMakerSample = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/events/sagemaker-model-package-state-change.json', import.meta.url),
    'utf8',
  ),
) as BusEvent;

const NOW = new Date('2026-03-01T12:00:00.123Z');

/** A bus whose target records what it receives; ids are `event-1`, `event-2`, ... */
function busWith(table: readonly Route[], invoke: TargetInvoker = async () => 'ok') {
  const received: BusEvent[] = [];
  let ids = 0;
  const target: TargetInvoker = async (event) => {
    received.push(event);
    return invoke(event);
  };
  const bus = new InProcessEventBus(
    table,
    { 'model-registry-gate': target, 'report-worker': target, 'deployment-orchestrator': target },
    { region: 'eu-west-1', now: () => NOW, newEventId: () => `event-${++ids}` },
  );
  return { bus, received };
}

const route = (id: string, pattern: EventPattern): Route => ({
  id,
  description: id,
  bus: 'verdict',
  pattern,
  target: 'model-registry-gate',
});

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'verdict',
  DetailType: 'Verdict Decision',
  Detail: JSON.stringify({ decision: 'deny' }),
  ...overrides,
});

const decisions = route('decisions', { source: ['verdict'], 'detail-type': ['Verdict Decision'] });

describe('InProcessEventBus.putEvents', () => {
  it('routes a SageMaker event to the model-registry gate with a full envelope', async () => {
    const { bus, received } = busWith(routes);
    const response = await bus.putEvents({
      Entries: [
        {
          Source: sageMakerSample.source,
          DetailType: sageMakerSample['detail-type'],
          Detail: JSON.stringify(sageMakerSample.detail),
          Resources: sageMakerSample.resources,
          EventBusName: 'default',
        },
      ],
    });

    expect(response).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    expect(received).toEqual([
      {
        version: '0',
        id: 'event-1',
        'detail-type': 'SageMaker Model Package State Change',
        source: 'aws.sagemaker',
        account: '000000000000',
        time: '2026-03-01T12:00:00Z',
        region: 'eu-west-1',
        resources: sageMakerSample.resources,
        detail: sageMakerSample.detail,
      },
    ]);
  });

  it('accepts an event no route matches, and invokes nothing', async () => {
    const { bus, received } = busWith(routes);
    const response = await bus.putEvents({ Entries: [entry()] });
    expect(response).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    expect(received).toEqual([]);
  });

  it('uses the entry Time (a Date, ISO text or epoch seconds) without milliseconds', async () => {
    const { bus, received } = busWith([decisions]);
    await bus.putEvents({
      Entries: [
        entry({ Time: new Date('2025-01-02T03:04:05.678Z') }),
        entry({ Time: '2025-01-02T03:04:06Z' }),
        entry({ Time: 1735787047 }),
      ],
    });
    expect(received.map(({ time }) => time)).toEqual([
      '2025-01-02T03:04:05Z',
      '2025-01-02T03:04:06Z',
      '2025-01-02T03:04:07Z',
    ]);
  });

  it.each([
    ['not JSON', '{"decision":'],
    ['a JSON array', '[1, 2]'],
    ['a JSON string', '"deny"'],
    ['JSON null', 'null'],
  ])(
    'rejects an entry whose Detail is %s as MalformedDetail, and delivers the others',
    async (_name, detail) => {
      const { bus, received } = busWith([decisions]);
      const response = await bus.putEvents({ Entries: [entry(), entry({ Detail: detail }), entry()] });
      expect(response).toEqual({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'event-1' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
          { EventId: 'event-2' },
        ],
      });
      expect(received.map(({ id }) => id)).toEqual(['event-1', 'event-2']);
    },
  );

  it.each(['Source', 'DetailType', 'Detail'] as const)('rejects an entry without %s', async (name) => {
    const { bus } = busWith([decisions]);
    const response = await bus.putEvents({ Entries: [entry({ [name]: undefined })] });
    expect(response).toEqual({
      FailedEntryCount: 1,
      Entries: [
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
        },
      ],
    });
  });

  it('rejects an unparseable Time', async () => {
    const { bus } = busWith([decisions]);
    const response = await bus.putEvents({ Entries: [entry({ Time: 'yesterday' })] });
    expect(response.Entries).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' },
    ]);
  });

  it('rejects a request with more than 10 entries, or none, as a whole', async () => {
    const { bus, received } = busWith([decisions]);
    const eleven = Array.from({ length: 11 }, () => entry());
    await expect(bus.putEvents({ Entries: eleven })).rejects.toThrow(PutEventsValidationError);
    await expect(bus.putEvents({ Entries: eleven })).rejects.toThrow(
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    await expect(bus.putEvents({ Entries: [] })).rejects.toThrow(
      'Member must have length greater than or equal to 1',
    );
    expect(received).toEqual([]);
    await expect(bus.putEvents({ Entries: eleven.slice(1) })).resolves.toMatchObject({ FailedEntryCount: 0 });
  });

  it('limits an entry to 256 KiB as EventBridge counts it', async () => {
    const { bus, received } = busWith([decisions]);
    const base = entry({ Detail: '{"pad":""}', Resources: ['arn:aws:s3:::bucket'], Time: NOW });
    const padding = MAX_ENTRY_BYTES - entrySize(base);
    const atLimit = entry({ ...base, Detail: JSON.stringify({ pad: 'x'.repeat(padding) }) });
    const overLimit = entry({ ...base, Detail: JSON.stringify({ pad: `${'x'.repeat(padding - 1)}é` }) });

    expect(entrySize(atLimit)).toBe(MAX_ENTRY_BYTES);
    expect(entrySize(overLimit)).toBe(MAX_ENTRY_BYTES + 1);
    const response = await bus.putEvents({ Entries: [atLimit, overLimit] });
    expect(response).toEqual({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'event-1' },
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Event entry is 262145 bytes; the limit is 262144 bytes.',
        },
      ],
    });
    expect(received).toHaveLength(1);
  });
});

describe('InProcessEventBus.dispatch', () => {
  const event = (detail: Record<string, unknown>): BusEvent => ({
    version: '0',
    id: 'prebuilt-1',
    'detail-type': 'Verdict Decision',
    source: 'verdict',
    account: '000000000000',
    time: '2026-03-01T12:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });

  it('invokes every matching route in table order and returns their results', async () => {
    const table = [
      route('denials', { detail: { decision: ['deny'] } }),
      route('allowances', { detail: { decision: ['allow'] } }),
      decisions,
    ];
    const { bus } = busWith(table, async (e) => `saw ${e.id}`);
    expect(await bus.dispatch(event({ decision: 'deny' }))).toEqual([
      { routeId: 'denials', target: 'model-registry-gate', ok: true, result: 'saw prebuilt-1' },
      { routeId: 'decisions', target: 'model-registry-gate', ok: true, result: 'saw prebuilt-1' },
    ]);
    expect(await bus.dispatch({ ...event({}), source: 'elsewhere' })).toEqual([]);
  });

  it('runs targets one after another', async () => {
    const log: string[] = [];
    let call = 0;
    const { bus } = busWith([decisions, decisions], async () => {
      const n = ++call;
      log.push(`start ${n}`);
      await new Promise((resolve) => setTimeout(resolve, n === 1 ? 20 : 0));
      log.push(`end ${n}`);
    });
    await bus.dispatch(event({}));
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('gives each target its own copy of the event', async () => {
    const { bus, received } = busWith([decisions, decisions], async (e) => {
      (e.detail as Record<string, unknown>).touched = true;
    });
    const original = event({ decision: 'deny' });
    await bus.dispatch(original);
    expect(original.detail).toEqual({ decision: 'deny' });
    expect(received[1]?.detail).toEqual({ decision: 'deny', touched: true });
    expect(received[0]).not.toBe(received[1]);
  });

  it('records a target that throws as a dead letter and carries on', async () => {
    const table = [route('first', { source: ['verdict'] }), route('second', { source: ['verdict'] })];
    let call = 0;
    const { bus } = busWith(table, async () => {
      if (++call === 1) throw new Error('policy bundle missing');
      return 'done';
    });

    const response = await bus.putEvents({ Entries: [entry()] });
    expect(response).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    expect(await bus.deadLetters.list()).toEqual([
      {
        id: 'dl-1',
        routeId: 'first',
        target: 'model-registry-gate',
        eventId: 'event-1',
        error: 'policy bundle missing',
        failedAt: expect.any(String),
        attempts: 1,
        // Only the envelope and what the route's pattern reads: the detail is not kept.
        event: expect.objectContaining({ id: 'event-1', detail: {} }),
      },
    ]);

    call = 0;
    expect(await bus.dispatch(event({}))).toEqual([
      {
        routeId: 'first',
        target: 'model-registry-gate',
        ok: false,
        error: 'policy bundle missing',
        deadLetterId: 'dl-2',
      },
      { routeId: 'second', target: 'model-registry-gate', ok: true, result: 'done' },
    ]);
    expect((await bus.deadLetters.list()).map(({ eventId }) => eventId)).toEqual(['event-1', 'prebuilt-1']);
  });

  it('records a non-Error rejection by its text', async () => {
    const { bus } = busWith([decisions], () => Promise.reject('timeout'));
    await bus.dispatch(event({}));
    expect((await bus.deadLetters.list())[0]?.error).toBe('timeout');
  });
});

describe('InProcessEventBus as EventPublisher', () => {
  it('puts a published Verdict Decision on the bus, where routes see it', async () => {
    const { bus, received } = busWith([route('deny-alerts', { detail: { decision: ['deny'] } })]);
    await bus.publish({
      source: 'verdict',
      detailType: 'Verdict Decision',
      detail: { decision: 'deny', subject: { kind: 'model-package', id: 'arn:x' } },
      resources: ['arn:x'],
    });
    expect(received).toEqual([
      expect.objectContaining({
        id: 'event-1',
        source: 'verdict',
        'detail-type': 'Verdict Decision',
        resources: ['arn:x'],
        detail: { decision: 'deny', subject: { kind: 'model-package', id: 'arn:x' } },
      }),
    ]);
  });

  it('routes events that a target publishes while it runs', async () => {
    const table = [
      route('registry', { source: ['aws.sagemaker'] }),
      route('decisions', { source: ['verdict'] }),
    ];
    const { bus, received } = busWith(table, async (e) => {
      if (e.source === 'aws.sagemaker') {
        await bus.publish({
          source: 'verdict',
          detailType: 'Verdict Decision',
          detail: { decision: 'allow' },
        });
      }
    });
    await bus.putEvents({ Entries: [entry({ Source: 'aws.sagemaker' })] });
    expect(received.map(({ source, resources }) => [source, resources])).toEqual([
      ['aws.sagemaker', []],
      ['verdict', []],
    ]);
  });

  it('fails to publish a detail that is not a JSON object', async () => {
    const { bus } = busWith([decisions]);
    await expect(
      bus.publish({ source: 'verdict', detailType: 'Verdict Decision', detail: ['deny'] }),
    ).rejects.toThrow('event rejected by the bus: MalformedDetail: Detail is malformed.');
  });
});

describe('InProcessEventBus construction', () => {
  it('refuses a route table with a malformed pattern', () => {
    const broken = route('broken', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } });
    expect(() => busWith([broken])).toThrow(
      'Invalid event pattern at detail.n[0]: numeric lower bound 5 must be less than upper bound 1',
    );
  });
});

describe('InProcessEventBus background targets', () => {
  const reportRoute = routes.find((r) => r.target === 'report-worker') as Route;
  const request = {
    Entries: [{ Source: 'verdict', DetailType: 'Verdict Report Requested', Detail: '{"jobId":"j1"}' }],
  };

  it('answers PutEvents once the event is queued, and runs the target after, one event at a time', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bus = new InProcessEventBus(
      [reportRoute],
      {
        'model-registry-gate': async () => 'unused',
        'deployment-orchestrator': async () => 'unused',
        'report-worker': async (event) => {
          order.push(`start ${event.id}`);
          await gate;
          order.push(`end ${event.id}`);
        },
      },
      {
        newEventId: (() => {
          let n = 0;
          return () => `event-${++n}`;
        })(),
        background: ['report-worker'],
      },
    );
    const { deliveries } = await bus.accept(request);
    expect(deliveries).toEqual([
      { routeId: 'report-requested', target: 'report-worker', ok: true, result: { status: 'queued' } },
    ]);
    await bus.accept(request);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start event-1']);
    release();
    await bus.idle();
    expect(order).toEqual(['start event-1', 'end event-1', 'start event-2', 'end event-2']);
  });

  it('keeps a failed background delivery as a dead letter', async () => {
    const bus = new InProcessEventBus(
      [reportRoute],
      {
        'model-registry-gate': async () => 'unused',
        'deployment-orchestrator': async () => 'unused',
        'report-worker': async () => {
          throw new Error('the job store is unavailable');
        },
      },
      { background: ['report-worker'] },
    );
    expect((await bus.accept(request)).deliveries[0]).toMatchObject({ ok: true });
    await bus.idle();
    expect(await bus.deadLetters.list()).toEqual([
      expect.objectContaining({ routeId: 'report-requested', error: 'the job store is unavailable' }),
    ]);
  });
});
