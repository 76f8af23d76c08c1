// default@2 Ingress: one host and path, routed to one of the app's ports, with optional TLS.
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { annotationsSchema, dnsSubdomainSchema } from "../shared/kubernetes-rules.js";
import { portReference } from "./default-fields.js";

// Ingress paths: an absolute path of URL characters, and none of the sequences the API server refuses for Prefix
// and Exact paths.
const INGRESS_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const FORBIDDEN_PATH_PARTS = ["//", "/./", "/../", "%2f", "%2F"];
export function ingressPathSchema(field: string) {
  return z
    .string({ error: fieldError(field, "an absolute URL path like / or /api") })
    .max(2048, { error: `${field} must be at most 2048 characters`, abort: true })
    .regex(INGRESS_PATH, {
      error: `${field} must be an absolute URL path like / or /api (URL characters only)`,
    })
    .refine((path) => !FORBIDDEN_PATH_PARTS.some((part) => path.includes(part)) && !/\/\.\.?$/.test(path), {
      error: `${field} must not contain ${FORBIDDEN_PATH_PARTS.join(", ")} or end in /. or /..`,
    });
}

export function ingressHostSchema(field: string) {
  return z
    .string({ error: fieldError(field, "a DNS host name like app.example.com") })
    .max(253, { error: `${field} must be at most 253 characters`, abort: true })
    .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
      error: `${field} must be a lowercase DNS host name like app.example.com (or *.example.com)`,
    });
}

/** How an Ingress path is matched: the same choice for 2.0's single host and for each of 2.1's hosts. */
export function pathTypeSchema(field: string) {
  return z
    .enum(["Prefix", "Exact", "ImplementationSpecific"], {
      error: fieldError(field, "Prefix, Exact or ImplementationSpecific"),
    })
    .default("Prefix");
}

export const ingressSchema = z.strictObject(
  {
    host: ingressHostSchema("ingress.host"),
    path: ingressPathSchema("ingress.path").default("/"),
    pathType: pathTypeSchema("ingress.pathType"),
    className: dnsSubdomainSchema("ingress.className").optional(),
    servicePort: portReference("ingress.servicePort").optional(),
    tls: z
      .strictObject(
        {
          secretName: dnsSubdomainSchema("ingress.tls.secretName").optional(),
          // A ClusterIssuer is a cluster object, so its name follows the object name rule.
          clusterIssuer: dnsSubdomainSchema("ingress.tls.clusterIssuer").optional(),
        },
        { error: fieldError("ingress.tls", "an object { secretName?, clusterIssuer? }") },
      )
      .optional(),
    annotations: annotationsSchema("ingress.annotations").optional(),
  },
  {
    error: fieldError(
      "ingress",
      "an object { host, path?, pathType?, className?, servicePort?, tls?, annotations? }",
    ),
  },
);
