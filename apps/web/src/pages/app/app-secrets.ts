// What the server says of an app's secrets (`apps.secrets`): names, who set each value and when, and a fingerprint
// that tells a changed value from the same one. Values are never read back.
import { useQuery } from "@tanstack/react-query";
import type { SecretInfo } from "../../lib/app-state.js";
import { useTRPC } from "../../trpc.js";

/** The app's secrets by name; empty for a new app, or a pack without secrets. */
export function useSecretInfo(
  project: string,
  app: string | undefined,
  enabled: boolean,
): ReadonlyMap<string, SecretInfo> {
  const trpc = useTRPC();
  const secrets = useQuery({
    ...trpc.apps.secrets.queryOptions({ project, name: app ?? "" }),
    enabled: enabled && app !== undefined,
  });
  return new Map((secrets.data ?? []).map((secret) => [secret.name, secret]));
}
