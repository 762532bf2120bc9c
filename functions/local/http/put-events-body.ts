import { z } from 'zod';

/** The body of an EventBridge PutEvents call, as `aws events put-events --cli-input-json` takes it. */
export const putEventsBodySchema = z.strictObject({
  Entries: z
    .array(
      z.looseObject({
        Source: z.string().optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        Time: z.union([z.string(), z.number()]).optional(),
        EventBusName: z.string().optional(),
      }),
    )
    .min(1),
  EndpointId: z.string().optional(),
});
