// Which URL serves a kind: the API server's resource lists (/api/v1, /apis/apps/v1...), read once per group version.
import { ApiStatusError, ClusterFault } from "./cluster-errors.js";
import type { KubeTransport } from "./kube-transport.js";
import { describeRef, type ObjectRef } from "./object-ref.js";

export interface ApiResource {
  apiVersion: string;
  kind: string;
  /** The plural resource name used in URLs: "deployments". */
  plural: string;
  namespaced: boolean;
}

interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class ApiDiscovery {
  private readonly lists = new Map<string, Promise<ResourceList>>();

  constructor(private readonly transport: KubeTransport) {}

  async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    let found = findKind(await this.list(apiVersion, false), kind);
    // A kind missing from a cached list may have been added since (a CRD): ask once more.
    if (found === undefined) found = findKind(await this.list(apiVersion, true), kind);
    if (found === undefined) {
      throw new ClusterFault(
        "not-found",
        `the cluster serves no kind ${JSON.stringify(kind)} in ${apiVersion}.`,
      );
    }
    return { apiVersion, kind, plural: found.name, namespaced: found.namespaced };
  }

  /** The URL path of a collection: every namespace when `namespace` is undefined. */
  async collectionPath(apiVersion: string, kind: string, namespace: string | undefined): Promise<string> {
    const resource = await this.resource(apiVersion, kind);
    const scope =
      resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${groupVersionPath(apiVersion)}${scope}/${resource.plural}`;
  }

  async objectPath(ref: ObjectRef): Promise<string> {
    const resource = await this.resource(ref.apiVersion, ref.kind);
    if (resource.namespaced && ref.namespace === undefined) {
      throw new ClusterFault(
        "invalid",
        `${describeRef(ref)} has no namespace, and ${ref.kind} objects live in one.`,
      );
    }
    const namespace = resource.namespaced ? ref.namespace : undefined;
    return `${await this.collectionPath(ref.apiVersion, ref.kind, namespace)}/${encodeURIComponent(ref.name)}`;
  }

  private list(apiVersion: string, refresh: boolean): Promise<ResourceList> {
    const cached = this.lists.get(apiVersion);
    if (cached !== undefined && !refresh) return cached;
    const loading = this.load(apiVersion);
    this.lists.set(apiVersion, loading);
    // A failure is not remembered: the next call asks again.
    loading.catch(() => {
      if (this.lists.get(apiVersion) === loading) this.lists.delete(apiVersion);
    });
    return loading;
  }

  private async load(apiVersion: string): Promise<ResourceList> {
    try {
      return (await this.transport.json(groupVersionPath(apiVersion))) ?? {};
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 404) {
        throw new ClusterFault(
          "not-found",
          `the cluster does not serve the API ${apiVersion} (is it installed?).`,
        );
      }
      throw error;
    }
  }
}

function findKind(list: ResourceList, kind: string): { name: string; namespaced: boolean } | undefined {
  // Subresources ("deployments/status") share the kind of their parent.
  return list.resources?.find((resource) => resource.kind === kind && !resource.name.includes("/"));
}
