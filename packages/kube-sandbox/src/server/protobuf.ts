// Protobuf request bodies (Content-Type: application/vnd.kubernetes.protobuf), as the API server accepts them for
// built-in kinds. kubectl's typed commands (create namespace/deployment/configmap/secret/service/ingress/...; not
// run and expose, which send JSON) and Go clients built with client-go's protobuf content type send them; the
// sandbox stores JSON, so a body is turned into exactly the object the same client would have sent as JSON, then
// takes the JSON path.
//
// The wire format: the magic "k8s\0", then a runtime.Unknown {typeMeta {apiVersion, kind}, raw} whose raw is the
// object's message from k8s.io/api's generated.proto. The schema is protobuf/kubernetes-descriptors.json (see
// scripts/extract-protobuf-descriptors.ts: the descriptors kubectl itself was built with, gogoproto options
// included). Turning a message into the Go struct's JSON:
// - field names are the proto names, which are the JSON names except the few in RENAMED_FIELDS; the fields of an
//   embedded struct marshalled inline (`json:",inline"`) are lifted into their parent (INLINE_FIELDS);
// - a pointer field (no `(gogoproto.nullable) = false`) is kept when present, even when zero (replicas: 0); a
//   plain value field is always on the wire, so a zero scalar is dropped as the JSON's omitempty drops it, unless
//   the OpenAPI document lists the field as required (no omitempty: containerPort, a container's name), and a
//   plain struct is kept even when empty (`resources: {}`), as encoding/json keeps it. (A few status counters
//   lack omitempty without being marked required; create drops a client's status anyway.)
// - Time and MicroTime become RFC 3339 strings (the zero time null), Quantity its string, IntOrString a number
//   or a string, RawExtension and FieldsV1 the JSON they hold, bytes base64.
// DELETE bodies (DeleteOptions) may be protobuf too. Responses stay JSON: clients send `Accept: application/vnd.kubernetes.protobuf, application/json` and take
// either. Kinds without a descriptor (none of the built-in kinds the sandbox serves) answer 415, as the API server
// does for custom resources.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import { isPlainObject } from "../store/clone.js";
import { loadSchemas, resolve } from "./schema.js";
import { badRequest } from "./status.js";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

type JsonObject = Record<string, unknown>;

const MAGIC = Buffer.from("k8s\0", "latin1");
const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

/** Fields of embedded Go structs that JSON marshals inline, by message and proto field name. */
export const INLINE_FIELDS: ReadonlySet<string> = new Set([
  "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
  "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
  "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
  "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
  "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
  "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
  "k8s.io.api.core.v1.Probe.handler",
  "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
  "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
  "k8s.io.api.core.v1.SecretProjection.localObjectReference",
  "k8s.io.api.core.v1.Volume.volumeSource",
  "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
]);

/** Proto field names that differ from the Go struct's JSON name. */
export const RENAMED_FIELDS: ReadonlyMap<string, string> = new Map([
  ["k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup", "apiGroup"],
]);

/** Messages with their own JSON form, from the plain object protobufjs decodes them to. */
export const SPECIAL_TYPES: ReadonlyMap<string, (value: JsonObject) => unknown> = new Map<
  string,
  (value: JsonObject) => unknown
>([
  [`${META}.Time`, (value) => rfc3339(value, 0)],
  [`${META}.MicroTime`, (value) => rfc3339(value, 6)],
  ["k8s.io.apimachinery.pkg.api.resource.Quantity", (value) => value.string ?? "0"],
  [
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
    (value) => (value.type === 1 ? (value.strVal ?? "") : (value.intVal ?? 0)),
  ],
  ["k8s.io.apimachinery.pkg.runtime.RawExtension", (value) => embeddedJson(value.raw)],
  [`${META}.FieldsV1`, (value) => embeddedJson(value.Raw)],
]);

const CONVERSION: protobuf.IConversionOptions = {
  longs: Number,
  bytes: String,
  arrays: false,
  objects: false,
};

let schema: protobuf.Root | undefined;

function root(): protobuf.Root {
  if (!schema) {
    const path = createRequire(import.meta.url).resolve("@babyhelm/kube-sandbox/protobuf-descriptors.json");
    const document = JSON.parse(readFileSync(path, "utf8")) as { nested: protobuf.INamespace["nested"] };
    schema = protobuf.Root.fromJSON({ nested: document.nested });
    schema.resolveAll();
  }
  return schema;
}

/**
 * The message of a kind, from its apiVersion: "apps/v1" → k8s.io.api.apps.v1, "v1" → k8s.io.api.core.v1.
 * DeleteOptions is meta/v1's in every group version, as metav1.AddToGroupVersion registers it.
 */
function messageType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  if (!group || !version || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const name =
    kind === "DeleteOptions" ? `${META}.${kind}` : `k8s.io.api.${group.split(".")[0]}.${version}.${kind}`;
  const found = root().lookup(name);
  return found instanceof protobuf.Type ? found : undefined;
}

/** Whether bodies of this kind may come as protobuf: the built-in kinds the descriptors describe. */
export function acceptsProtobuf(apiVersion: string, kind: string): boolean {
  return messageType(apiVersion, kind) !== undefined;
}

/**
 * Decodes a protobuf body into the JSON object the client would have sent. `expectedKind` names the endpoint's
 * kind in errors, as the API server's decode errors do.
 */
export async function decodeProtobufObject(bytes: Uint8Array, expectedKind: string): Promise<JsonObject> {
  await loadSchemas();
  const unrecognized = (why: string): Error =>
    badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${why}`);
  if (bytes.length < MAGIC.length || !MAGIC.equals(bytes.subarray(0, MAGIC.length))) {
    throw unrecognized(
      `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(" ")}]`,
    );
  }
  const unknownType = root().lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = unknownType.decode(bytes.subarray(MAGIC.length)) as typeof envelope;
  } catch (error) {
    throw unrecognized((error as Error).message);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? "";
  const kind = envelope.typeMeta?.kind ?? "";
  if (!kind) throw unrecognized("Object 'Kind' is missing in the protobuf envelope");
  const type = messageType(apiVersion, kind);
  if (!type) {
    const version = apiVersion.split("/").at(-1);
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${expectedKind}: no kind "${kind}" is registered for version "${apiVersion}"`,
    );
  }
  let plain: JsonObject;
  try {
    plain = type.toObject(type.decode(envelope.raw ?? new Uint8Array()), CONVERSION);
  } catch (error) {
    throw badRequest(
      `${kind} in version "${apiVersion.split("/").at(-1)}" cannot be handled as a ${expectedKind}: ${(error as Error).message}`,
    );
  }
  return { apiVersion, kind, ...(messageJson(type, plain) as JsonObject) };
}

function messageJson(type: protobuf.Type, value: JsonObject): unknown {
  const special = SPECIAL_TYPES.get(type.fullName.slice(1));
  if (special) return special(value);
  const json: JsonObject = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in value)) continue;
    const fieldJson = fieldValueJson(field, value[field.name]);
    const path = `${type.fullName.slice(1)}.${field.name}`;
    if (
      field.resolvedType === null &&
      isPlainValueField(field) &&
      isZero(fieldJson) &&
      !isRequired(type, field)
    ) {
      continue;
    }
    if (INLINE_FIELDS.has(path) && isPlainObject(fieldJson)) Object.assign(json, fieldJson);
    else json[RENAMED_FIELDS.get(path) ?? field.name] = fieldJson;
  }
  return json;
}

function fieldValueJson(field: protobuf.Field, value: unknown): unknown {
  const element = (item: unknown): unknown =>
    field.resolvedType instanceof protobuf.Type ? messageJson(field.resolvedType, item as JsonObject) : item;
  if (field.map) {
    return Object.fromEntries(Object.entries(value as JsonObject).map(([key, item]) => [key, element(item)]));
  }
  if (field.repeated) return (value as unknown[]).map(element);
  return element(value);
}

/** Plain Go values (not pointers) are marked `(gogoproto.nullable) = false` in the descriptors. */
function isPlainValueField(field: protobuf.Field): boolean {
  return field.options?.["(gogoproto.nullable)"] === false;
}

/** Required in OpenAPI: a field whose Go JSON tag has no omitempty. "k8s.io.api..." is defined as "io.k8s.api...". */
function isRequired(type: protobuf.Type, field: protobuf.Field): boolean {
  const definition = resolve({
    $ref: `#/definitions/io.${type.fullName.slice(1).replace(/^k8s\.io\./, "k8s.")}`,
  });
  return (definition as { required?: string[] } | undefined)?.required?.includes(field.name) ?? false;
}

function isZero(value: unknown): boolean {
  return value === "" || value === 0 || value === false;
}

/** metav1.Time marshals as RFC 3339 in seconds, MicroTime with microseconds; the zero time as null. */
function rfc3339(value: JsonObject, fractionDigits: number): string | null {
  const seconds = (value.seconds as number | undefined) ?? 0;
  const nanos = (value.nanos as number | undefined) ?? 0;
  if (seconds === 0 && nanos === 0) return null;
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = fractionDigits ? `.${String(nanos).padStart(9, "0").slice(0, fractionDigits)}` : "";
  return `${whole}${fraction}Z`;
}

function embeddedJson(base64: unknown): unknown {
  const text = Buffer.from((base64 as string | undefined) ?? "", "base64").toString("utf8");
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`an embedded object is not JSON: ${(error as Error).message}`);
  }
}
