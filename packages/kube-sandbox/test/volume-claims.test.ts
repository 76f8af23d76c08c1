// PersistentVolumeClaims through the HTTP API: the default StorageClass at create, binding at once with the requested
// capacity, and ResourceQuota's storage resources (requests.storage, persistentvolumeclaims) admitted and counted.
import { describe, expect, it } from "vitest";
import { fileSandboxApi, uniqueName, waitFor } from "./helpers.js";

const api = fileSandboxApi();

async function namespace(): Promise<string> {
  const name = uniqueName("claims");
  expect((await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name } } })).status).toBe(
    201,
  );
  return name;
}

function claim(name: string, storage: string, storageClassName?: string) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
  };
}

describe("PersistentVolumeClaims", () => {
  it("get the default StorageClass when they name none, keep a named one, and are Bound with their size", async () => {
    const ns = await namespace();
    const path = `/api/v1/namespaces/${ns}/persistentvolumeclaims`;
    expect((await api(path, { method: "POST", body: claim("data", "1Gi") })).status).toBe(201);
    expect((await api(path, { method: "POST", body: claim("fast", "2Gi", "fast") })).status).toBe(201);
    const bound = await waitFor(async () => {
      const found = await api(`${path}/data`);
      return found.body.status?.phase === "Bound" ? found.body : undefined;
    });
    expect(bound.spec.storageClassName).toBe("standard");
    expect(bound.status).toEqual({
      phase: "Bound",
      accessModes: ["ReadWriteOnce"],
      capacity: { storage: "1Gi" },
    });
    const fast = await waitFor(async () => {
      const found = await api(`${path}/fast`);
      return found.body.status?.phase === "Bound" ? found.body : undefined;
    });
    expect(fast.spec.storageClassName).toBe("fast");
  });

  it("count against a quota's requests.storage and persistentvolumeclaims, and are refused beyond them", async () => {
    const ns = await namespace();
    const quota = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "storage" },
      spec: { hard: { "requests.storage": "3Gi", persistentvolumeclaims: "2" } },
    };
    expect(
      (await api(`/api/v1/namespaces/${ns}/resourcequotas`, { method: "POST", body: quota })).status,
    ).toBe(201);
    const path = `/api/v1/namespaces/${ns}/persistentvolumeclaims`;
    expect((await api(path, { method: "POST", body: claim("a", "2Gi") })).status).toBe(201);
    const tooBig = await api(path, { method: "POST", body: claim("b", "2Gi") });
    expect(tooBig.status).toBe(403);
    expect(tooBig.body.message).toContain("requests.storage");
    expect((await api(path, { method: "POST", body: claim("b", "1Gi") })).status).toBe(201);
    const used = await waitFor(async () => {
      const found = await api(`/api/v1/namespaces/${ns}/resourcequotas/storage`);
      return found.body.status?.used?.persistentvolumeclaims === "2" ? found.body.status.used : undefined;
    });
    expect(used).toEqual({ "requests.storage": "3Gi", persistentvolumeclaims: "2" });
    expect((await api(path, { method: "POST", body: claim("c", "1Mi") })).status).toBe(403);
  });
});
