// Discovery documents (/version, /api, /apis, per group-version resource lists) and the OpenAPI document, built
// from the resource table. Clients that ask for aggregated discovery (kubectl's
// application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) get these legacy documents with a plain
// application/json Content-Type, which client-go takes as "not aggregated" and then walks group by group.
import {
  apiVersionOf,
  GROUP_VERSIONS,
  RESOURCES,
  type GroupVersion,
  type ResourceInfo,
} from "../resources.js";

export const SERVER_VERSION = {
  major: "1",
  minor: "35",
  gitVersion: "v1.35.0-babyhelm-sandbox",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.25.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupDocument(group: string): unknown {
  const versions = GROUP_VERSIONS.filter((gv) => gv.group === group).map((gv) => ({
    groupVersion: apiVersionOf(gv),
    version: gv.version,
  }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): unknown {
  const groups = [...new Set(GROUP_VERSIONS.map((gv) => gv.group).filter((group) => group !== ""))];
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(groupDocument) };
}

/** The APIGroup document of /apis/{group}, or undefined for a group the sandbox does not serve. */
export function apiGroup(group: string): unknown {
  if (!GROUP_VERSIONS.some((gv) => gv.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...(groupDocument(group) as object) };
}

function subresourceEntry(info: ResourceInfo, subresource: string): Record<string, unknown> {
  const entry = { name: `${info.plural}/${subresource}`, singularName: "", namespaced: info.namespaced };
  switch (subresource) {
    case "scale":
      return {
        ...entry,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      };
    case "log":
      return { ...entry, kind: info.kind, verbs: ["get"] };
    case "finalize":
      return { ...entry, kind: info.kind, verbs: ["update"] };
    case "token":
      return {
        ...entry,
        group: "authentication.k8s.io",
        version: "v1",
        kind: "TokenRequest",
        verbs: ["create"],
      };
    default:
      return { ...entry, kind: info.kind, verbs: ["get", "patch", "update"] };
  }
}

function resourceEntries(info: ResourceInfo): Record<string, unknown>[] {
  return [
    {
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
      ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length > 0 ? { categories: info.categories } : {}),
    },
    ...info.subresources.map((subresource) => subresourceEntry(info, subresource)),
  ];
}

/** The APIResourceList of a served group version, or undefined. */
export function apiResourceList({ group, version }: GroupVersion): unknown {
  const resources = RESOURCES.filter((info) => info.group === group && info.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources: resources.flatMap(resourceEntries),
  };
}
