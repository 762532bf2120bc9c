/**
 * `CloudWatch Alarm State Change`: what CloudWatch puts on the default EventBridge bus when an alarm changes
 * state (source `aws.cloudwatch`). A metric alarm's detail carries `configuration.metrics`; a composite alarm's
 * carries `configuration.alarmRule` instead. CloudWatch writes `state.timestamp` as `2019-10-02T17:04:40.989+0000`
 * (no colon in the offset), so it is kept as text. Fields not named here are kept (looseObject).
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

export const CLOUDWATCH_SOURCE = 'aws.cloudwatch';
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export const alarmStateValueSchema = z.enum(ALARM_STATES);
export type AlarmStateValue = z.infer<typeof alarmStateValueSchema>;

export const alarmStateSchema = z.looseObject({
  value: alarmStateValueSchema,
  reason: z.string(),
  /** JSON text with the datapoints evaluated (metric alarms), as CloudWatch writes it. */
  reasonData: z.string().optional(),
  timestamp: z.string().min(1),
});

const alarmMetricSchema = z.looseObject({
  id: z.string(),
  metricStat: z
    .looseObject({
      metric: z.looseObject({
        namespace: z.string().optional(),
        name: z.string(),
        dimensions: z.record(z.string(), z.string()).optional(),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
      unit: z.string().optional(),
    })
    .optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

export const alarmStateChangeDetailSchema = z.looseObject({
  alarmName: z.string().min(1),
  state: alarmStateSchema,
  previousState: alarmStateSchema.optional(),
  configuration: z
    .looseObject({
      description: z.string().optional(),
      metrics: z.array(alarmMetricSchema).optional(),
      alarmRule: z.string().optional(),
    })
    .optional(),
});
export type AlarmStateChangeDetail = z.infer<typeof alarmStateChangeDetailSchema>;

export const alarmStateChangeEventSchema = EventBridgeSchema.extend({
  source: z.literal(CLOUDWATCH_SOURCE),
  'detail-type': z.literal(ALARM_STATE_CHANGE),
  detail: alarmStateChangeDetailSchema,
});
export type AlarmStateChangeEvent = z.infer<typeof alarmStateChangeEventSchema>;
