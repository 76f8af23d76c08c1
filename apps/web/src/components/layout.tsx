import { useQueryClient } from "@tanstack/react-query";
import { Suspense } from "react";
import { Link, NavLink, Outlet, ScrollRestoration, useNavigate } from "react-router";
import { clearDraftsOf } from "../lib/drafts.js";
import { describeError, errorCode } from "../lib/errors.js";
import { resetSession, useMe } from "../lib/session.js";
import { useSingleFlightMutation } from "../lib/use-single-flight-mutation.js";
import { useTRPC } from "../trpc.js";
import { ClusterBanner } from "./cluster-banner.js";
import { useFocusHeadingAfterNavigation } from "./focus-heading.js";
import { Loading } from "./query-state.js";
import { useToast } from "./toast.js";

export function Layout() {
  useFocusHeadingAfterNavigation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <ClusterBanner />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" wholePage />}>
          <Outlet />
        </Suspense>
      </main>
      <ScrollRestoration />
      <footer className="site-footer">
        <p>
          BabyHelm deploys container images to Kubernetes without YAML. <Link to="/docs">How it works</Link>
        </p>
      </footer>
    </>
  );
}

function Header() {
  const me = useMe();
  const user = me.data ?? null;
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand" aria-label="BabyHelm home">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>BabyHelm</span>
        </Link>
        <nav aria-label="Main" className="main-nav">
          {user === null ? null : <NavLink to="/projects">Projects</NavLink>}
          <NavLink to="/docs">How it works</NavLink>
          {user === null ? null : <NavLink to="/account">Account</NavLink>}
        </nav>
        <div className="header-user">
          {me.isPending ? null : user === null ? (
            <>
              <Link to="/login" className="button button-quiet button-small">
                Sign in
              </Link>
              <Link to="/register" className="button button-primary button-small header-signup">
                Create account
              </Link>
            </>
          ) : (
            <>
              <span className="header-email" title={user.email}>
                {user.email}
              </span>
              <SignOutButton />
            </>
          )}
        </div>
      </div>
    </header>
  );
}

function SignOutButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const userId = useMe().data?.id;
  const signOut = useSingleFlightMutation(
    trpc.auth.logout.mutationOptions({
      meta: { authRedirect: false },
      onSuccess: () => {
        finish("You are signed out.");
      },
      onError: (error) => {
        // Already signed out (the session expired or was revoked elsewhere): the outcome is the same.
        if (errorCode(error) === "UNAUTHORIZED") finish("You are signed out.");
        else toast.error(`Could not sign out. ${describeError(error)}`);
      },
    }),
  );
  function finish(message: string) {
    // Signing out on purpose leaves nothing of this person's unsaved work on the browser.
    if (userId !== undefined) clearDraftsOf(userId);
    resetSession(queryClient, trpc.auth.me.queryKey(), null, "signed-out");
    void navigate("/login", { state: { signedOut: true } });
    toast.clear();
    toast.success(message);
  }
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      disabled={signOut.isPending}
      onClick={() => {
        signOut.mutate();
      }}
    >
      {signOut.isPending ? "Signing out…" : "Sign out"}
    </button>
  );
}
