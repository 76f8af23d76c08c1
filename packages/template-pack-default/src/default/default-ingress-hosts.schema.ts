// default@2.1 Ingress: 2.0's single-host form, or a `hosts` list (each with its path, port and TLS) sharing a class,
// a cert-manager ClusterIssuer and annotations. The form is chosen by the `hosts` key, so each form's errors name
// its own fields instead of a union's "matches neither".
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { annotationsSchema, dnsSubdomainSchema } from "../shared/kubernetes-rules.js";
import { unionField } from "../shared/union-field.js";
import { portReference } from "./default-fields.js";
import {
  ingressHostSchema,
  ingressPathSchema,
  ingressSchema,
  pathTypeSchema,
} from "./default-ingress.schema.js";

const HOST = "ingress.hosts[]";

const hostSchema = z.strictObject(
  {
    host: ingressHostSchema(`${HOST}.host`),
    path: ingressPathSchema(`${HOST}.path`).default("/"),
    pathType: pathTypeSchema(`${HOST}.pathType`),
    servicePort: portReference(`${HOST}.servicePort`).optional(),
    // true: a Secret named after the host (issued by cert-manager with ingress.clusterIssuer); or a Secret's name.
    tls: unionField(`${HOST}.tls`, "true, false or { secretName } (an existing TLS Secret)", [
      z.boolean(),
      z.strictObject({ secretName: dnsSubdomainSchema(`${HOST}.tls.secretName`) }),
    ]).optional(),
  },
  { error: fieldError(HOST, "an object { host, path?, pathType?, servicePort?, tls? }") },
);

export const hostsIngressSchema = z.strictObject(
  {
    hosts: z
      .array(hostSchema, {
        error: fieldError("ingress.hosts", "a list of { host, path?, servicePort?, tls? }"),
      })
      .min(1, { error: "ingress.hosts must list at least one host" })
      .max(100, { error: "ingress.hosts must list at most 100 hosts" }),
    className: dnsSubdomainSchema("ingress.className").optional(),
    // A ClusterIssuer is a cluster object, so its name follows the object name rule.
    clusterIssuer: dnsSubdomainSchema("ingress.clusterIssuer").optional(),
    annotations: annotationsSchema("ingress.annotations").optional(),
  },
  { error: fieldError("ingress", "an object { hosts, className?, clusterIssuer?, annotations? }") },
);

type SingleHostIngress = z.output<typeof ingressSchema>;
type HostsIngress = z.output<typeof hostsIngressSchema>;

function parseForm(value: unknown, context: z.RefinementCtx): SingleHostIngress | HostsIngress {
  const hasHosts = typeof value === "object" && value !== null && Object.hasOwn(value, "hosts");
  if (hasHosts && Object.hasOwn(value, "host")) {
    context.addIssue({
      code: "custom",
      message: "ingress takes either host (one host) or hosts (a list), not both",
    });
    return z.NEVER;
  }
  const result = (hasHosts ? hostsIngressSchema : ingressSchema).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) context.addIssue({ ...issue });
  return z.NEVER;
}

const bothForms = z.union([ingressSchema, hostsIngressSchema]);
const { $schema: _dialect, ...bothFormsJsonSchema } = z.toJSONSchema(bothForms, {
  io: "input",
  unrepresentable: "any",
});

/** `ingress` in default@2.1: either form; the JSON Schema offers both (an `anyOf`) to editors. */
export const ingress21Schema = z
  .custom<z.input<typeof bothForms>>(() => true)
  .meta(bothFormsJsonSchema)
  .transform(parseForm);

export function isHostsIngress(ingress: SingleHostIngress | HostsIngress): ingress is HostsIngress {
  return "hosts" in ingress;
}
