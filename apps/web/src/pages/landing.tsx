import { Link } from "react-router";
import { CodeBlock } from "../components/code-block.js";
import { PageTitle } from "../components/page-title.js";
import { useMe } from "../lib/session.js";

export default function LandingPage() {
  const me = useMe();
  const signedIn = me.data !== undefined && me.data !== null;
  return (
    <div className="landing">
      <PageTitle>Deploy containers to Kubernetes without YAML</PageTitle>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Put your container on Kubernetes without writing YAML.</h1>
        <p className="lead">
          BabyHelm turns &ldquo;run this image on port 8080&rdquo; into a correct, production-grade Kubernetes
          deployment. You fill in a short form; BabyHelm writes the manifests, applies them, and shows you
          what is happening.
        </p>
        <div className="hero-actions">
          {signedIn ? (
            <Link to="/projects" className="button button-primary">
              Go to your projects
            </Link>
          ) : (
            <>
              <Link to="/register" className="button button-primary">
                Create an account
              </Link>
              <Link to="/login" className="button button-secondary">
                I have an account
              </Link>
            </>
          )}
          <Link to="/docs" className="button button-quiet">
            How it works
          </Link>
        </div>
      </section>

      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Three steps</h2>
        <ol className="steps">
          <li className="card">
            <span className="step-number" aria-hidden="true">
              1
            </span>
            <h3>Create a project</h3>
            <p>
              A project is your own space in the cluster (a Kubernetes <em>namespace</em>) with sensible
              limits, so one team&rsquo;s apps cannot starve another&rsquo;s.
            </p>
          </li>
          <li className="card">
            <span className="step-number" aria-hidden="true">
              2
            </span>
            <h3>Deploy an app</h3>
            <p>
              Give it a name, a container image and the port it listens on. BabyHelm creates the Deployment,
              the Service and, if you ask, an autoscaler and a public address.
            </p>
          </li>
          <li className="card">
            <span className="step-number" aria-hidden="true">
              3
            </span>
            <h3>Watch it, change it</h3>
            <p>
              See the rollout progress, update the image, restart, or roll back to an earlier version in one
              click. Invite teammates as creators, editors or viewers.
            </p>
          </li>
        </ol>
      </section>

      <section className="card landing-sdk" aria-labelledby="sdk-title">
        <h2 id="sdk-title">Prefer the command line?</h2>
        <p>
          The same templates are a published SDK: render an app spec to manifests on your machine, keep your
          apps in git and deploy them from CI with <code>babyhelm deploy</code>, or script the server with a
          typed client and an API token.
        </p>
        <CodeBlock label="Shell: render an app spec">npx @babyhelm/cli render app -f app.yaml</CodeBlock>
        <p>
          <Link to="/docs#sdk">Read the SDK and client guide</Link>
        </p>
      </section>
    </div>
  );
}
