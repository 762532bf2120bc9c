/**
 * Fault injection for the real AWS SDK v3 clients, as a middleware on their stacks: a test chooses a command
 * (and optionally a table or bucket) and which of its calls fail, and how.
 *
 * The middleware is added to every client's stack the first time the client sends (the Lambda handler builds
 * its clients at module load, out of the test's reach), at the `initialize` step: above the SDK's own retry
 * middleware, so an injected fault is what reaches the caller once the SDK's retries gave up.
 *
 * Faults:
 * - `throttle`: the call is refused before it is sent (ThrottlingException, or for DynamoDB
 *   ProvisionedThroughputExceededException).
 * - `server-error`: the call is refused with an HTTP 500 (InternalServerError / InternalFailure).
 * - `answer-lost`: the call is sent and applied, then its answer is lost (a connection reset).
 * - `entry-failed`: PutEvents answers HTTP 200 with `FailedEntryCount: 1` and nothing is put.
 *
 * `answers` fills gaps of the emulator: a command answered here never reaches it (faults still apply first).
 */
import { Client } from '@smithy/core/client';
import type {
  AbsoluteLocation,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MiddlewareStack,
} from '@smithy/types';

/** What one scenario of a fault matrix observed. */
export interface FaultSummary {
  scenario: string;
  /** Deliveries of the event, the first included. */
  runs: number;
  faults: number;
  /** Decisions about the model version in the ledger (want 1). */
  decisions: number;
  decision: string;
  /** UpdateModelPackage calls that were applied. */
  statusUpdates: number;
  /** `Verdict Decision` events delivered, and those beyond the first. */
  events: number;
  duplicates: number;
  /** Times the approval status was not the ledger's decision's (want 0). */
  wrongStatus: number;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set by a fault scenario; bench/gate-faults.ts collects it into bench/results/gate-faults.json. */
    faultSummary?: FaultSummary;
  }
}

export type FaultKind = 'throttle' | 'server-error' | 'answer-lost' | 'entry-failed';

export interface FaultRule {
  /** The SDK command's class name: `PutItemCommand`, `SignCommand`, `PutEventsCommand`, ... */
  command: string;
  /** Narrows the calls counted (e.g. one table or bucket); all calls of the command when absent. */
  where?: (input: Record<string, unknown>) => boolean;
  /** Which of the matching calls fail, counted from 1 while armed; `every`: all of them (an outage). */
  calls: number[] | 'every';
  fault: FaultKind;
}

export interface InjectedFault {
  command: string;
  call: number;
  fault: FaultKind;
}

export interface SentCall {
  command: string;
  input: Record<string, unknown>;
  /** The call reached the service (or its answer) and was applied, whatever the caller got back. */
  applied: boolean;
}

type Answer = (input: Record<string, unknown>) => Record<string, unknown>;

export interface FaultInjection {
  /** Starts counting calls and injecting the rules' faults (replacing earlier rules and counts). */
  arm(rules: FaultRule[]): void;
  /** Stops injecting and counting. */
  disarm(): void;
  /** Faults injected since the last `arm`. */
  readonly injected: InjectedFault[];
  /** Calls sent while armed since the last `arm`. */
  readonly sent: SentCall[];
  /** Puts `Client.prototype.send` back (stacks already extended keep a disarmed middleware). */
  uninstall(): void;
}

const MIDDLEWARE: InitializeHandlerOptions & AbsoluteLocation & { name: string } = {
  step: 'initialize',
  priority: 'high',
  name: 'verdictFaultInjection',
};

export function installFaultInjection(options: { answers?: Record<string, Answer> } = {}): FaultInjection {
  const answers = options.answers ?? {};
  let rules: FaultRule[] = [];
  let armed = false;
  const counts = new Map<FaultRule, number>();
  const injected: InjectedFault[] = [];
  const sent: SentCall[] = [];

  const faultFor = (command: string, input: Record<string, unknown>): InjectedFault | undefined => {
    let hit: InjectedFault | undefined;
    for (const rule of rules) {
      if (rule.command !== command || (rule.where && !rule.where(input))) continue;
      const call = (counts.get(rule) ?? 0) + 1;
      counts.set(rule, call);
      if (!hit && (rule.calls === 'every' || rule.calls.includes(call)))
        hit = { command, call, fault: rule.fault };
    }
    return hit;
  };

  const middleware: InitializeMiddleware<object, object> = (next, context) => async (args) => {
    const command = String(context.commandName ?? '');
    const input = args.input as Record<string, unknown>;
    const answer = answers[command];
    const send = async () => {
      if (!answer) return next(args);
      return { output: { $metadata: { httpStatusCode: 200 }, ...answer(input) }, response: {} };
    };
    if (!armed) return send();
    const fault = faultFor(command, input);
    const call: SentCall = { command, input, applied: false };
    sent.push(call);
    if (!fault) {
      const result = await send();
      call.applied = true;
      return result;
    }
    injected.push(fault);
    switch (fault.fault) {
      case 'throttle':
        throw throttling(String(context.clientName ?? ''));
      case 'server-error':
        throw serverError();
      case 'answer-lost':
        await send();
        call.applied = true;
        throw connectionReset();
      case 'entry-failed':
        return {
          output: {
            $metadata: { httpStatusCode: 200 },
            FailedEntryCount: 1,
            Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
          },
          response: {},
        };
    }
  };

  const extended = new WeakSet<MiddlewareStack<object, object>>();
  const original = Client.prototype.send;
  Client.prototype.send = function send(this: Client<never, never, never, never>, ...rest: never[]) {
    const stack = this.middlewareStack as unknown as MiddlewareStack<object, object>;
    if (!extended.has(stack)) {
      extended.add(stack);
      stack.add(middleware, MIDDLEWARE);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, rest);
  } as typeof original;

  return {
    arm(next) {
      for (const rule of next)
        if (rule.fault === 'entry-failed' && rule.command !== 'PutEventsCommand')
          throw new Error(`entry-failed is a PutEvents answer, not one of ${rule.command}`);
      rules = next;
      counts.clear();
      injected.length = 0;
      sent.length = 0;
      armed = true;
    },
    disarm() {
      armed = false;
    },
    injected,
    sent,
    uninstall() {
      armed = false;
      Client.prototype.send = original;
    },
  };
}

function awsError(name: string, message: string, status: number, fault: 'client' | 'server') {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, attempts: 3 },
  });
}

function throttling(clientName: string): Error {
  return clientName === 'DynamoDBClient'
    ? awsError(
        'ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded',
        400,
        'client',
      )
    : awsError('ThrottlingException', 'Rate exceeded', 400, 'client');
}

function serverError(): Error {
  return awsError(
    'InternalServerError',
    'We encountered an internal error. Please try again.',
    500,
    'server',
  );
}

function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} });
}
