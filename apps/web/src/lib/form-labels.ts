// The deploy form's labels by spec path, in one place: messages from the packs and the server name spec paths
// ("autoscaling.max (5) must be at least autoscaling.min (5)"); the form shows them in its own words
// ("Max replicas must be at least Min replicas (5)").

/** Labels by generic path (indexes as `[]`); a row's number is added where the path has one. */
const LABELS: Record<string, string> = {
  name: "App name",
  image: "Image",
  ports: "Ports",
  "ports[].port": "Port",
  "ports[].containerPort": "Container port",
  "ports[].name": "Port name",
  "ports[].protocol": "Protocol",
  "ports.port": "Port",
  "ports.targetPort": "Container port",
  env: "Environment variables",
  envs: "Environment variables",
  "env[].name": "Variable name",
  "env[].value": "Variable value",
  "envs[].name": "Variable name",
  "envs[].value": "Variable value",
  replicas: "Replicas",
  autoscaling: "Autoscaling",
  "autoscaling.min": "Min replicas",
  "autoscaling.max": "Max replicas",
  "autoscaling.cpuPercent": "Target CPU %",
  "autoscaling.memoryPercent": "Target memory %",
  "resources.requests.cpu": "CPU request",
  "resources.requests.memory": "Memory request",
  "resources.limits.cpu": "CPU limit",
  "resources.limits.memory": "Memory limit",
  "service.type": "Service type",
  "service.loadBalancerClass": "Load balancer class",
  ingress: "Ingress",
  "ingress.host": "Ingress host",
  "ingress.path": "Ingress path",
  "ingress.tls": "TLS",
  "ingress.tls.secretName": "TLS Secret",
  "ingress.tls.clusterIssuer": "ClusterIssuer",
  "ingress.hosts[].host": "Host",
  "ingress.hosts[].path": "Host path",
  "ingress.hosts[].tls": "Host TLS",
  "ingress.hosts[].tls.secretName": "Host TLS Secret",
  "ingress.clusterIssuer": "ClusterIssuer",
  "env[].reference.secret": "Kubernetes Secret",
  "env[].reference.key": "Secret key",
  secrets: "Secrets",
  "secrets[].name": "Secret name",
  secretValues: "Secret values",
  command: "Command",
  args: "Arguments",
  volumes: "Volumes",
  "volumes[]": "Volume",
  "volumes[].name": "Volume name",
  "volumes[].mountPath": "Mount path",
  "volumes[].persistent": "Persistent volume",
  "volumes[].persistent.size": "Volume size",
  "volumes[].persistent.accessMode": "Access mode",
  "volumes[].persistent.storageClass": "Storage class",
  "volumes[].scratch": "Scratch volume",
  "volumes[].scratch.sizeLimit": "Size limit",
  files: "Config files",
  "files[]": "Config file",
  "files[].path": "File path",
  "files[].content": "File content",
};
for (const kind of ["liveness", "readiness", "startup"]) {
  const title = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
  LABELS[`probes.${kind}`] = `${title} check`;
  LABELS[`probes.${kind}.path`] = `${title} path`;
  LABELS[`probes.${kind}.port`] = `${title} port`;
}

/** "Port 2" for `ports[1].port`, "Min replicas" for `spec.autoscaling.min`; undefined for paths without one. */
export function labelOf(path: string): string | undefined {
  const bare = path.replace(/^spec\./, "");
  const label = LABELS[bare.replace(/\[\d+\]/g, "[]")];
  if (label === undefined) return undefined;
  const row = /\[(\d+)\]/.exec(bare);
  return row === null ? label : `${label} ${Number(row[1]) + 1}`;
}

/** The label of the input at a form path (`ports[0].port` → "Port": each row of a list has the same labels). */
export function fieldLabel(path: string): string {
  const label = LABELS[path.replace(/^spec\./, "").replace(/\[\d+\]/g, "[]")];
  if (label === undefined) throw new Error(`no label for form path ${path}`);
  return label;
}

const PATH_IN_TEXT = /\b[a-zA-Z]\w*(?:\[\d+\]|\.[a-zA-Z]\w*)+/g;

/** A message with every spec path it names that has a label written as that label. */
export function withLabels(message: string): string {
  return message.replace(PATH_IN_TEXT, (path) => labelOf(path) ?? path);
}

/**
 * The packs start some messages with the value's path and value ("autoscaling.max (5) must be at least
 * autoscaling.min (5)"): the rest of the message, with the other paths as labels ("must be at least Min replicas (5)"),
 * to follow the field's label.
 */
export function afterOwnPath(issue: { path: string; message: string }): string {
  const own = issue.path.replace(/^spec\./, "");
  const generic = (path: string) => path.replace(/\[\d*\]/g, "[]");
  const [first = ""] = issue.message.split(" ");
  const startsWithOwn =
    first !== issue.message && (first === own || (/[.[]/.test(first) && generic(first) === generic(own)));
  const rest = startsWithOwn
    ? issue.message
        .slice(first.length)
        .replace(/^ \([^)]*\)/, "")
        .trimStart()
    : issue.message;
  return withLabels(rest);
}

/** A message about a path as one sentence that starts with the field's label ("Max replicas must be…"). */
export function describeIssue(issue: { path: string; message: string }): string {
  const own = issue.path.replace(/^spec\./, "");
  const subject = labelOf(own) ?? own;
  const rest = afterOwnPath(issue);
  // A whole sentence ("An app named web already exists…") names its subject itself.
  return subject === "" || /^[A-Z]/.test(rest) ? rest : `${subject} ${rest}`;
}
