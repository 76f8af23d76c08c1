// default@2 Ingress: one host and path, routed to one of the app's ports, with optional TLS.
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { annotationsSchema, dnsSubdomainSchema } from "../shared/kubernetes-rules.js";
import { portReference } from "./default-fields.js";

// Ingress paths: an absolute path of URL characters, and none of the sequences the API server refuses for Prefix
// and Exact paths.
const INGRESS_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const FORBIDDEN_PATH_PARTS = ["//", "/./", "/../", "%2f", "%2F"];
const ingressPath = z
  .string({ error: fieldError("ingress.path", "an absolute URL path like / or /api") })
  .max(2048, { error: "ingress.path must be at most 2048 characters", abort: true })
  .regex(INGRESS_PATH, {
    error: "ingress.path must be an absolute URL path like / or /api (URL characters only)",
  })
  .refine((path) => !FORBIDDEN_PATH_PARTS.some((part) => path.includes(part)) && !/\/\.\.?$/.test(path), {
    error: `ingress.path must not contain ${FORBIDDEN_PATH_PARTS.join(", ")} or end in /. or /..`,
  });

const ingressHost = z
  .string({ error: fieldError("ingress.host", "a DNS host name like app.example.com") })
  .max(253, { error: "ingress.host must be at most 253 characters", abort: true })
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
    error: "ingress.host must be a lowercase DNS host name like app.example.com (or *.example.com)",
  });

export const ingressSchema = z.strictObject(
  {
    host: ingressHost,
    path: ingressPath.default("/"),
    pathType: z
      .enum(["Prefix", "Exact", "ImplementationSpecific"], {
        error: fieldError("ingress.pathType", "Prefix, Exact or ImplementationSpecific"),
      })
      .default("Prefix"),
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
