// Image references as a container runtime reports them, and the sandbox's rules for images that cannot be pulled and
// images whose containers crash.
import { createHash } from "node:crypto";

/** The registry host of an image reference, or undefined for Docker Hub short names ("nginx", "library/nginx"). */
function registryHost(image: string): string | undefined {
  const slash = image.indexOf("/");
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  // Like the Docker reference grammar: the first component is a host only if it looks like one.
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/** The sandbox's pull rule: images from the registry host `invalid.example` (any port) do not exist. */
export function isUnpullable(image: string): boolean {
  return registryHost(image)?.replace(/:\d+$/, "") === "invalid.example";
}

/** The sandbox's crash rule: containers of images from the registry host `crash.example` (any port) exit with 1. */
export function crashesOnStart(image: string): boolean {
  return registryHost(image)?.replace(/:\d+$/, "") === "crash.example";
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as containerd reports `image` in a container status. */
export function normalizeImage(image: string): string {
  let reference = image;
  if (registryHost(reference) === undefined)
    reference = `docker.io/${reference.includes("/") ? "" : "library/"}${reference}`;
  const lastPart = reference.slice(reference.lastIndexOf("/") + 1);
  return lastPart.includes(":") || lastPart.includes("@") ? reference : `${reference}:latest`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A stable digest per image reference, so `imageID` looks real and is the same for every pod of one image. */
export function imageId(image: string): string {
  const normalized = normalizeImage(image);
  const repository = normalized.replace(/[:@][^/]*$/, "");
  return `${repository}@sha256:${sha256Hex(normalized)}`;
}

export function pullFailureMessage(image: string): string {
  const reference = normalizeImage(image);
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": ` +
    `failed to resolve reference "${reference}": ${reference}: not found`
  );
}
