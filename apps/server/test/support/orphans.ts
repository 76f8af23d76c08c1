import type { Sandbox } from "@babyhelm/kube-sandbox";

/**
 * A Service labelled as `app`'s in `project` with no app row behind it: what a create leaves when its replica dies
 * after applying and before committing.
 */
export function createOrphanService(sandbox: Sandbox, project: string, app: string): void {
  sandbox.store.create("services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: app,
      namespace: project,
      labels: { "babyhelm.io/project": project, "babyhelm.io/app": app },
    },
    spec: { ports: [{ port: 80 }] },
  });
}
