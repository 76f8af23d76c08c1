import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { loginPath } from "../lib/safe-next.js";
import { sessionEnd, useMe } from "../lib/session.js";
import { Loading, QueryError } from "./query-state.js";

/** Pages for signed-in people: anyone else goes to the sign-in page, and comes back here after it. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const queryClient = useQueryClient();
  if (me.isPending) return <Loading what="your account" wholePage />;
  if (me.isError) return <QueryError error={me.error} retry={me.refetch} what="your account" wholePage />;
  if (me.data === null) {
    // Signing out leads to the plain sign-in page (the next person should not land on this one); anything else
    // comes back here after signing in.
    const ended = sessionEnd(queryClient);
    if (ended === "signed-out") return <Navigate to="/login" state={{ signedOut: true }} replace />;
    return (
      <Navigate
        to={loginPath(location.pathname + location.search)}
        state={{ expired: ended === "expired" }}
        replace
      />
    );
  }
  return children;
}
