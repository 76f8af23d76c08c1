import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createBrowserRouter, RouterProvider } from "react-router";
import { ToastProvider } from "./components/toast.js";
import { resetSession } from "./lib/session.js";
import { routes } from "./routes.js";
import { createApiClient, createQueryClient, TRPCProvider, type AppRouter } from "./trpc.js";

const router = createBrowserRouter(routes);
const apiClient = createApiClient();

// A call refused for want of a session: the session ended (expired, revoked, or signed out in another tab).
// Forgetting the user makes the page's RequireAuth send them to /login?next=<this page>, which brings them back.
const queryClient = createQueryClient(() => {
  const { pathname } = router.state.location;
  if (pathname === "/login" || pathname === "/register") return;
  resetSession(queryClient, api.auth.me.queryKey(), null, "expired");
});
const api = createTRPCOptionsProxy<AppRouter>({ client: apiClient, queryClient });

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={apiClient} queryClient={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
