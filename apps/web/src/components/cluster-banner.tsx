// Says plainly when nothing is really deployed (the sandbox cluster) or when the cluster cannot be reached.
// The mode comes from the server's readiness endpoint: there is no API procedure for it yet.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

export interface Readiness {
  ready: boolean;
  checks: {
    database?: { ok: boolean; error?: string };
    cluster?: { ok: boolean; error?: string; mode?: string; server?: string };
  };
}

async function fetchReadiness(): Promise<Readiness> {
  // 503 (not ready) still carries the same JSON body.
  const response = await fetch("/readyz", { headers: { accept: "application/json" } });
  return (await response.json()) as Readiness;
}

export function useReadiness() {
  return useQuery({
    queryKey: ["readyz"],
    queryFn: fetchReadiness,
    staleTime: 60_000,
    refetchInterval: 120_000,
    retry: false,
  });
}

const DISMISSED_KEY = "babyhelm.sandbox-banner-dismissed";

export function ClusterBanner() {
  const readiness = useReadiness();
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(DISMISSED_KEY) === "1");
  const cluster = readiness.data?.checks.cluster;
  if (cluster === undefined) return null;

  if (!cluster.ok) {
    return (
      <div className="banner banner-danger" role="region" aria-label="Cluster problem">
        <p>
          <strong>BabyHelm cannot reach its Kubernetes cluster</strong> ({cluster.error ?? "no answer"}). Apps
          cannot be deployed or changed until it can. If you run this server, check its cluster settings;
          otherwise tell whoever does.
        </p>
      </div>
    );
  }
  if (cluster.mode !== "sandbox" || dismissed) return null;
  return (
    <div className="banner banner-sandbox" role="region" aria-label="Sandbox mode">
      <p>
        <strong>Sandbox mode: nothing is really deployed.</strong>{" "}
        <span className="banner-detail">
          This server runs a simulated Kubernetes cluster, so you can try everything safely, but apps never
          really run. To deploy for real, restart the server with <code>BABYHELM_CLUSTER=kubeconfig</code> and{" "}
          <code>KUBECONFIG=/path/to/kubeconfig</code>.
        </span>{" "}
        <Link to="/docs#clusters">How to connect a cluster</Link>
      </p>
      <button
        type="button"
        className="banner-close"
        aria-label="Hide the sandbox notice"
        onClick={() => {
          sessionStorage.setItem(DISMISSED_KEY, "1");
          setDismissed(true);
        }}
      >
        ×
      </button>
    </div>
  );
}
