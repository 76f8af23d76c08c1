import { useEffect } from "react";
import { Link, useLocation } from "react-router";
import { CodeBlock } from "../components/code-block.js";
import { PageTitle } from "../components/page-title.js";
import { ROLE_ABILITIES } from "../lib/roles.js";

const APP_SPEC = `name: web
image: nginxinc/nginx-unprivileged:1.27
ports:
  - port: 80            # what other apps connect to
    containerPort: 8080 # what the container listens on
env:
  - name: MODE
    value: production
autoscaling:
  min: 2
  max: 5`;

const CLIENT_EXAMPLE = `import { createBabyhelmClient } from "@babyhelm/client";

const babyhelm = createBabyhelmClient({
  url: "https://babyhelm.example.com",
  token: process.env.BABYHELM_TOKEN, // an API token from your Account page
});

const { items } = await babyhelm.projects.list.query({});
console.log(items.map((project) => \`\${project.name} (\${project.role})\`));`;

const sections = [
  ["ideas", "Projects and apps"],
  ["objects", "What gets created in the cluster"],
  ["packs", "Template packs"],
  ["reach", "Reaching your app"],
  ["watch", "Watching your app"],
  ["roles", "Roles"],
  ["clusters", "Sandbox or a real cluster"],
  ["sdk", "The SDK, the CLI and the typed client"],
] as const;

export default function DocsPage() {
  const { hash } = useLocation();
  // Links such as /docs#clusters arrive before this page's code has loaded: scroll once it is shown.
  useEffect(() => {
    if (hash !== "") document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [hash]);
  return (
    <article className="docs">
      <PageTitle>How it works</PageTitle>
      <header className="page-header">
        <h1>How BabyHelm works</h1>
        <p className="lead">
          Everything you need to know to deploy your first app, in plain words. No Kubernetes experience
          needed; if you have some, the exact objects are listed too.
        </p>
      </header>

      <nav aria-label="On this page" className="docs-toc card">
        <h2>On this page</h2>
        <ol>
          {sections.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ol>
      </nav>

      <section id="ideas" aria-labelledby="ideas-title">
        <h2 id="ideas-title">Projects and apps</h2>
        <dl className="definitions">
          <dt>Project</dt>
          <dd>
            A space of your own in the cluster where your apps live, shared with the people you invite. In
            Kubernetes terms it is a <strong>namespace</strong> with a <strong>quota</strong> (how much CPU,
            memory and how many pods it may use in total), default <strong>limits</strong> for each container,
            and a <strong>network policy</strong> that keeps other projects&rsquo; traffic out. Its name
            becomes the namespace name, so it follows Kubernetes&rsquo; naming rule: lowercase letters, digits
            and &lsquo;-&rsquo;.
          </dd>
          <dt>App</dt>
          <dd>
            One container image that BabyHelm keeps running: a <strong>Deployment</strong> (which starts and
            replaces the containers, called pods) and a <strong>Service</strong> (a stable address in front of
            them). Depending on what you ask for, also an <strong>autoscaler</strong> (adds pods when they are
            busy), a <strong>disruption budget</strong> (keeps some pods running while nodes are maintained)
            and an <strong>ingress</strong> (a public web address). <strong>Edit</strong> on the app page
            changes any of it (image, replicas, variables, resources, health checks, exposure) with a preview
            of what changes; every change is a new <strong>revision</strong>, so you can roll back. An app
            that failed on its image offers to change just the image right under its status.
          </dd>
        </dl>
      </section>

      <section id="objects" aria-labelledby="objects-title">
        <h2 id="objects-title">What gets created in the cluster</h2>
        <div className="table-wrap">
          <table className="stack-on-phone">
            <caption>Objects BabyHelm creates, with the default@2 pack</caption>
            <thead>
              <tr>
                <th scope="col">When you…</th>
                <th scope="col">BabyHelm creates</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td data-label="When you…">create a project</td>
                <td data-label="BabyHelm creates">Namespace, ResourceQuota, LimitRange, NetworkPolicy</td>
                <td data-label="Why">
                  your space; a total budget (4 CPUs and 8&nbsp;GiB of memory requested, 50 pods);
                  per-container defaults (0.1 CPU, 128&nbsp;MiB); only traffic from the project itself and the
                  ingress controller
                </td>
              </tr>
              <tr>
                <td data-label="When you…">deploy an app</td>
                <td data-label="BabyHelm creates">Deployment, Service</td>
                <td data-label="Why">
                  runs your image (as a non-privileged container) and gives it a stable address
                </td>
              </tr>
              <tr>
                <td data-label="When you…">turn on autoscaling</td>
                <td data-label="BabyHelm creates">HorizontalPodAutoscaler</td>
                <td data-label="Why">
                  between your minimum and maximum number of pods, by CPU (or memory) use
                </td>
              </tr>
              <tr>
                <td data-label="When you…">run more than one pod</td>
                <td data-label="BabyHelm creates">PodDisruptionBudget</td>
                <td data-label="Why">at most one pod is taken down at a time during cluster maintenance</td>
              </tr>
              <tr>
                <td data-label="When you…">give it a host name</td>
                <td data-label="BabyHelm creates">Ingress</td>
                <td data-label="Why">
                  routes https://your-host/ to the app, with a certificate if you name one
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          Everything BabyHelm creates carries the label <code>app.kubernetes.io/managed-by: babyhelm</code>,
          so you can find it with{" "}
          <code>kubectl get all -n &lt;project&gt; -l app.kubernetes.io/managed-by=babyhelm</code>. Deleting
          an app removes its objects. Deleting a project (creators only, on its Settings tab) first deletes
          its apps one by one, showing how many are gone, then removes its namespace and everything in it; if
          an app cannot be deleted, it stops there and says which, leaving the project and its other apps as
          they were. From a script: <code>projects.delete(&#123; name, apps: N &#125;)</code>, where N is the
          number of apps you agree to delete.
        </p>
      </section>

      <section id="packs" aria-labelledby="packs-title">
        <h2 id="packs-title">Template packs</h2>
        <p>
          BabyHelm never pastes your values into YAML by hand: a versioned <strong>template pack</strong>{" "}
          turns a short app spec into manifests, and checks every field first (a mistake is reported with the
          field&rsquo;s name).
        </p>
        <ul>
          <li>
            <strong>
              <code>default@2</code>
            </strong>{" "}
            &mdash; production-grade: non-root, hardened containers; rolling updates that never drop below the
            running pod count; pods spread over nodes; optional autoscaler, disruption budget and ingress. New
            projects use it.
          </li>
          <li>
            <strong>
              <code>classic@1</code>
            </strong>{" "}
            &mdash; exactly what the previous (Python) BabyHelm rendered: <code>&lt;name&gt;-deployment</code>
            , <code>&lt;name&gt;-svc</code> (a LoadBalancer) and <code>&lt;name&gt;-autoscaler</code>. Use it
            to keep apps deployed by the old BabyHelm unchanged.
          </li>
        </ul>
      </section>

      <section id="reach" aria-labelledby="reach-title">
        <h2 id="reach-title">Reaching your app</h2>
        <ul>
          <li>
            <strong>From other apps in the cluster</strong> (the default): the Service gives your app the
            address <code>http://&lt;app&gt;.&lt;project&gt;.svc.cluster.local:&lt;port&gt;</code>, or just{" "}
            <code>http://&lt;app&gt;:&lt;port&gt;</code> from the same project.
          </li>
          <li>
            <strong>From the internet with a load balancer</strong>: choose the Service type{" "}
            <code>LoadBalancer</code>. Your cloud gives the Service an external IP address (on your own
            machines you need a load-balancer add-on such as MetalLB). <code>classic@1</code> apps always get
            one.
          </li>
          <li>
            <strong>From the internet with a host name</strong>: give the app an ingress host such as{" "}
            <code>shop.example.com</code>. Point that name&rsquo;s DNS at your cluster&rsquo;s ingress
            controller; add TLS with an existing certificate Secret or a cert-manager issuer.
          </li>
        </ul>
      </section>

      <section id="watch" aria-labelledby="watch-title">
        <h2 id="watch-title">Watching your app</h2>
        <ul>
          <li>
            <strong>Status</strong>: each app is <em>deploying</em>, <em>ready</em>, <em>degraded</em>{" "}
            (running, but fewer pods are ready than asked for), <em>failed</em> (for example an image that
            cannot be pulled, or a container that keeps crashing) or <em>drifted</em> (someone changed or
            deleted its objects in the cluster behind BabyHelm&rsquo;s back: <strong>Redeploy</strong> puts
            them back). The app page shows a rollout as it happens, its pods and what the cluster reported.
          </li>
          <li>
            <strong>Logs</strong>: the last lines of every pod, then new lines as they are written; pause,
            pick a pod, search.
          </li>
          <li>
            <strong>CPU and memory</strong>: charts over the last hour, 6 hours or day, per pod and in total,
            with the app&rsquo;s requests and limits drawn as lines. The project page shows each app&rsquo;s
            share of the project&rsquo;s quota. The deploy form shows what a deploy needs of the quota and
            what is left, and warns before applying one that will not fit: the cluster refuses pods beyond the
            quota, and the app page then names the quota that stopped the rollout.
          </li>
          <li>
            <strong>Alerts</strong>: a project&rsquo;s creator can send a message to a Slack-compatible
            webhook or a Telegram chat when an app fails or degrades, and again when it recovers: once per
            change. The webhook must be a public <code>https://</code> address (the server&rsquo;s operator
            can allow private ones); it is stored encrypted and shown only by its host.
          </li>
        </ul>
      </section>

      <section id="roles" aria-labelledby="roles-title">
        <h2 id="roles-title">Roles</h2>
        <p>Everyone in a project has one role. Whoever creates the project is its first creator.</p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">May</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>creator</td>
                <td>
                  {ROLE_ABILITIES.creator}; add and remove collaborators, change their roles, hand the project
                  over
                </td>
              </tr>
              <tr>
                <td>editor</td>
                <td>{ROLE_ABILITIES.editor}; read the audit log</td>
              </tr>
              <tr>
                <td>viewer</td>
                <td>{ROLE_ABILITIES.viewer}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          People need an account before they can be added. Anyone may leave a project, except its last
          creator: make someone else creator first.
        </p>
      </section>

      <section id="clusters" aria-labelledby="clusters-title">
        <h2 id="clusters-title">Sandbox or a real cluster</h2>
        <p>
          When BabyHelm finds no Kubernetes cluster it starts in <strong>sandbox mode</strong>: a simulated
          cluster that accepts and validates everything but runs nothing. It is the safe way to try BabyHelm;
          a banner says when you are in it.
        </p>
        <p>To deploy for real, give the server the kubeconfig of your cluster and restart it:</p>
        <CodeBlock label="Shell: connect BabyHelm to a real cluster">
          {`export BABYHELM_CLUSTER=kubeconfig
export KUBECONFIG=/path/to/kubeconfig   # default: ~/.kube/config
export KUBE_CONTEXT=my-cluster          # optional: another context than the current one`}
        </CodeBlock>
        <p>
          Inside the cluster itself, use <code>BABYHELM_CLUSTER=in-cluster</code> and a service account
          allowed to manage namespaces.
        </p>
      </section>

      <section id="sdk" aria-labelledby="sdk-title">
        <h2 id="sdk-title">The SDK, the CLI and the typed client</h2>
        <h3>Render manifests on your machine</h3>
        <p>
          The templates BabyHelm uses are a published package. Write an app spec (<code>app.yaml</code>):
        </p>
        <CodeBlock label="app.yaml: an example app spec">{APP_SPEC}</CodeBlock>
        <p>then install the command line (it brings the SDK and the packs) and render it:</p>
        <CodeBlock label="Shell: install the CLI and render manifests">
          {`npm install --save-dev @babyhelm/cli
npx babyhelm render app -f app.yaml                  # default@2, as YAML
npx babyhelm render app -f app.yaml --pack classic@1 # what the old BabyHelm rendered
npx babyhelm render app -f app.yaml | npx babyhelm validate -f -`}
        </CodeBlock>
        <p>
          A mistake in the spec is printed with the field it concerns, for example{" "}
          <code>ports[0].containerPort: … must be an integer from 1 to 65535</code>, and the command exits
          with code 1.
        </p>
        <h3>Deploy from your repository</h3>
        <p>
          Export an app from its page (&quot;Export as YAML&quot;), commit the file, and deploy it from a
          terminal or CI with an API token: <code>babyhelm deploy -f web.yaml --project shop --image …</code>{" "}
          creates the app or a new revision when the file changed, prints the diff, and waits for the rollout
          (exit code 0 ready, 1 failed, 3 timed out). The repository&apos;s <code>docs/ci.md</code> has GitHub
          Actions and GitLab CI jobs.
        </p>
        <h3>Script the server</h3>
        <p>
          Create an API token on your <Link to="/account">Account page</Link> (it is shown once: store it as a
          secret, for example <code>BABYHELM_TOKEN</code> in your CI). Then use the typed client:
        </p>
        <CodeBlock label="TypeScript: list your projects with the typed client">{CLIENT_EXAMPLE}</CodeBlock>
        <p>
          Every call has the same rights as you. Revoke a token on the Account page as soon as you no longer
          need it.
        </p>
      </section>
    </article>
  );
}
