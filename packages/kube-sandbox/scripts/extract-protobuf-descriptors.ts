// Writes protobuf/kubernetes-descriptors.json, the protobuf schema the sandbox decodes request bodies with.
// Usage: tsx scripts/extract-protobuf-descriptors.ts /path/to/kubectl > protobuf/kubernetes-descriptors.json
//
// Every Go binary built with k8s.io/api registers each generated.proto as a gzipped FileDescriptorProto (the
// fileDescriptor_* variables of generated.pb.go), compiled from the proto *with* its gogoproto options. Those
// options say which fields are Go pointers ((gogoproto.nullable) absent) and which are plain values (= false),
// which the published .proto text no longer carries and the decoder needs to rebuild the JSON the Go structs
// would marshal. So the descriptors are taken from a kubectl binary, not from the .proto text.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";

/** The API groups the sandbox serves, and what their messages use. */
const WANTED = [
  "k8s.io/api/core/v1/generated.proto",
  "k8s.io/api/apps/v1/generated.proto",
  "k8s.io/api/autoscaling/v1/generated.proto",
  "k8s.io/api/autoscaling/v2/generated.proto",
  "k8s.io/api/discovery/v1/generated.proto",
  "k8s.io/api/networking/v1/generated.proto",
  "k8s.io/api/policy/v1/generated.proto",
];
const GOGO = "github.com/gogo/protobuf/gogoproto/gogo.proto";
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);
const GZIP_HEADER_BYTES = 10; // Go's gzip writer sets no optional header fields

interface FileDescriptor {
  name: string;
  dependency: string[];
}

// gogoproto's FieldOptions extension, read as a plain field of FieldOptions.
const fieldOptions = (descriptor as unknown as { FieldOptions: protobuf.Type }).FieldOptions;
fieldOptions.add(new protobuf.Field("nullable", 65001, "bool"));
const fileDescriptorProto = (descriptor as unknown as { FileDescriptorProto: protobuf.Type })
  .FileDescriptorProto;

function embeddedFiles(binary: Buffer): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (let at = binary.indexOf(GZIP_MAGIC); at >= 0; at = binary.indexOf(GZIP_MAGIC, at + 1)) {
    let bytes: Buffer;
    try {
      bytes = inflateRawSync(binary.subarray(at + GZIP_HEADER_BYTES, at + GZIP_HEADER_BYTES + 4_000_000));
    } catch {
      continue; // not a gzip member, only bytes that look like its magic
    }
    try {
      const file = fileDescriptorProto.decode(bytes) as unknown as FileDescriptor;
      if (file.name?.startsWith("k8s.io/") && file.name.endsWith("/generated.proto"))
        files.set(file.name, bytes);
    } catch {
      // compressed data that is no descriptor
    }
  }
  return files;
}

function withDependencies(files: Map<string, Uint8Array>): FileDescriptor[] {
  const chosen = new Map<string, FileDescriptor>();
  const visit = (name: string): void => {
    if (name === GOGO || chosen.has(name)) return;
    const bytes = files.get(name);
    if (!bytes) throw new Error(`${name} is not embedded in this binary`);
    const file = fileDescriptorProto.decode(bytes) as unknown as FileDescriptor;
    chosen.set(name, file);
    for (const dependency of file.dependency) visit(dependency);
  };
  for (const name of WANTED) visit(name);
  return [...chosen.values()];
}

/**
 * fromDescriptor keeps the gogoproto option as `nullable` (a field of FieldOptions here); the JSON names it as
 * the .proto does, `(gogoproto.nullable)`, the name the decoder reads.
 */
function withGogoOptionNames(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(withGogoOptionNames);
  if (typeof json !== "object" || json === null) return json;
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) => [
      key === "nullable" ? "(gogoproto.nullable)" : key,
      withGogoOptionNames(value),
    ]),
  );
}

const [binaryPath] = process.argv.slice(2);
if (!binaryPath) throw new Error("usage: extract-protobuf-descriptors.ts /path/to/kubectl");
const binary = readFileSync(binaryPath);
const embedded = embeddedFiles(binary);
const files = withDependencies(embedded);
const set = { file: files.map((file) => fileDescriptorProto.decode(embedded.get(file.name)!)) };
const root = (protobuf.Root as unknown as { fromDescriptor(set: unknown): protobuf.Root }).fromDescriptor(
  set,
);
const { clientVersion } = JSON.parse(
  execFileSync(binaryPath, ["version", "--client", "-o", "json"]).toString(),
) as {
  clientVersion: { gitVersion: string };
};
process.stdout.write(
  `${JSON.stringify(
    {
      origin: `FileDescriptorProtos registered by k8s.io/api's generated.pb.go, extracted from kubectl ${clientVersion.gitVersion} by scripts/extract-protobuf-descriptors.ts`,
      files: files.map((file) => file.name).sort(),
      nested: withGogoOptionNames(root.toJSON().nested),
    },
    null,
    1,
  )}\n`,
);
