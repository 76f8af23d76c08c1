// default@2 probes: HTTP or TCP, on a named or numbered port, with timings that suit most web apps.
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { integer, portReference } from "./default-fields.js";

function probeTimings(kind: string) {
  return {
    initialDelaySeconds: integer(`probes.${kind}.initialDelaySeconds`, 0, 3600).default(0),
    periodSeconds: integer(`probes.${kind}.periodSeconds`, 1, 3600).default(10),
    timeoutSeconds: integer(`probes.${kind}.timeoutSeconds`, 1, 3600).default(2),
    failureThreshold: integer(`probes.${kind}.failureThreshold`, 1, 100).default(3),
  };
}

export function probeSchema(kind: string) {
  const field = `probes.${kind}`;
  const httpPath = `${field}.path`;
  return z.discriminatedUnion(
    "type",
    [
      z.strictObject({
        type: z.literal("http"),
        path: z
          .string({ error: fieldError(httpPath, "an absolute URL path like /healthz") })
          .max(2048, { error: `${httpPath} must be at most 2048 characters`, abort: true })
          .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/, {
            error: `${httpPath} must be an absolute URL path like /healthz (URL characters only, a query allowed)`,
          })
          .default("/"),
        port: portReference(`${field}.port`).optional(),
        ...probeTimings(kind),
      }),
      z.strictObject({
        type: z.literal("tcp"),
        port: portReference(`${field}.port`).optional(),
        ...probeTimings(kind),
      }),
    ],
    { error: fieldError(field, '{ type: "http", path?, port? } or { type: "tcp", port? }') },
  );
}
