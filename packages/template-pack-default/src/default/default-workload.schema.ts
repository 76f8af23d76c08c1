// default@2.1 additions to the container: secret env vars, command and args, volumes and config files. Every rule
// names its field; rules spanning fields (repeats, mounts under mounts) live in default-application-2-1.checks.ts.
import { z } from "zod";
import { DNS_1123_LABEL } from "@babyhelm/manifest-sdk/names";
import { fieldError } from "../shared/field-error.js";
import { dnsSubdomainSchema, envNameSchema, textSchema } from "../shared/kubernetes-rules.js";
import { quantitySchema } from "../shared/quantity.js";

/** A Secret data key, the API server's rule: letters, digits, '-', '_', '.'. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/**
 * An absolute file path of plain characters, with no empty, `.` or `..` part: mount paths and config files. The API
 * server takes more, but a path like `/a/../b` or one with a newline is a mistake, not a wish.
 */
const ABSOLUTE_PATH = /^(\/[A-Za-z0-9._@+=,~%-]+)+$/;
const PATH_PARTS_REFUSED = /\/\.\.?(\/|$)/;

/** Pod volume names starting with this are the pack's own (the config files' volume). */
export const RESERVED_VOLUME_PREFIX = "babyhelm-";

export function absolutePathSchema(field: string, example: string) {
  const expectation = `an absolute path like ${example} (letters, digits and ._@+=,~%- between slashes; no . or .. parts)`;
  return z
    .string({ error: fieldError(field, expectation) })
    .max(1024, { error: `${field} must be at most 1024 characters`, abort: true })
    .regex(ABSOLUTE_PATH, { error: `${field} must be ${expectation}`, abort: true })
    .refine((path) => !PATH_PARTS_REFUSED.test(path), { error: `${field} must be ${expectation}` });
}

const secretReferenceSchema = z.strictObject(
  {
    name: dnsSubdomainSchema("secrets[].secretRef.name"),
    key: z
      .string({ error: fieldError("secrets[].secretRef.key", "a Secret key like api-key") })
      .max(253, { error: "secrets[].secretRef.key must be at most 253 characters", abort: true })
      .regex(SECRET_KEY, {
        error: "secrets[].secretRef.key must be a Secret key: letters, digits, '-', '_' and '.'",
      }),
  },
  { error: fieldError("secrets[].secretRef", "an object { name, key } naming an existing Secret") },
);

export const secretSchema = z.strictObject(
  {
    name: envNameSchema("secrets[].name"),
    secretRef: secretReferenceSchema.optional(),
  },
  { error: fieldError("secrets[]", "an object { name, secretRef? } (values are never part of the spec)") },
);

// The server writes a short version id; the cap only keeps a pod annotation from growing without bound.
export const secretsVersionSchema = textSchema("secretsVersion").refine((version) => version.length <= 4096, {
  error: "secretsVersion must be at most 4096 characters",
});

export function argumentListSchema(field: string) {
  return z
    .array(textSchema(`${field}[]`), { error: fieldError(field, "a list of strings") })
    .max(256, { error: `${field} must list at most 256 strings` });
}

const volumeNameExpectation =
  "a lowercase DNS label (a-z, 0-9, '-'; starting and ending with a letter or digit), at most 63 characters";

const persistentSchema = z.strictObject(
  {
    size: quantitySchema("volumes[].persistent.size", "1Gi"),
    accessMode: z
      .enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"], {
        error: fieldError(
          "volumes[].persistent.accessMode",
          "ReadWriteOnce, ReadWriteOncePod, ReadWriteMany or ReadOnlyMany",
        ),
      })
      .default("ReadWriteOnce"),
    storageClass: dnsSubdomainSchema("volumes[].persistent.storageClass").optional(),
  },
  { error: fieldError("volumes[].persistent", "an object { size, accessMode?, storageClass? }") },
);

const scratchSchema = z.strictObject(
  { sizeLimit: quantitySchema("volumes[].scratch.sizeLimit", "64Mi").optional() },
  { error: fieldError("volumes[].scratch", "an object { sizeLimit? }") },
);

export const volumeSchema = z.strictObject(
  {
    name: z
      .string({ error: fieldError("volumes[].name", volumeNameExpectation) })
      .max(63, { error: "volumes[].name must be at most 63 characters", abort: true })
      .regex(DNS_1123_LABEL, { error: `volumes[].name must be ${volumeNameExpectation}`, abort: true })
      .refine((name) => !name.startsWith(RESERVED_VOLUME_PREFIX), {
        error: `volumes[].name must not start with ${RESERVED_VOLUME_PREFIX} (the pack's own volumes do)`,
      }),
    mountPath: absolutePathSchema("volumes[].mountPath", "/var/lib/data"),
    persistent: persistentSchema.optional(),
    scratch: scratchSchema.optional(),
  },
  {
    error: fieldError(
      "volumes[]",
      "an object { name, mountPath, persistent: { size, accessMode?, storageClass? } } or { name, mountPath, scratch: { sizeLimit? } }",
    ),
  },
);

export const fileSchema = z.strictObject(
  {
    path: absolutePathSchema("files[].path", "/etc/app/config.yaml"),
    content: textSchema("files[].content", "the file's text"),
  },
  { error: fieldError("files[]", "an object { path, content }") },
);
