import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";
import { ToastProvider } from "../../src/components/toast.js";
import { createApiClient, createQueryClient, TRPCProvider } from "../../src/trpc.js";
import { fakeApi, type Handlers } from "./fake-api.js";

function WhereAmI() {
  const location = useLocation();
  return <p data-testid="location">{location.pathname + location.search}</p>;
}

/**
 * Renders `ui` at `route` (matched by `path`) with the app's real providers and tRPC client, talking to a fake
 * server made of `procedures`. Other routes render their own path, so a test sees where a form navigated.
 */
export function renderWithApi(
  ui: ReactNode,
  { procedures = {}, route = "/", path = "*" }: { procedures?: Handlers; route?: string; path?: string } = {},
) {
  const api = fakeApi({
    "auth.me": () => ({ id: "u1", email: "ada@example.com", via: "cookie" }),
    ...procedures,
  });
  const client = createApiClient({ url: "/trpc", fetch: api.fetch });
  const queryClient = createQueryClient();
  const router = createMemoryRouter(
    [
      { path, element: ui },
      { path: "*", element: <WhereAmI /> },
    ],
    { initialEntries: [route] },
  );
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={client} queryClient={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>,
  );
  return { ...view, api, user, router, queryClient };
}

/** What a screen reader reads after an input: the text of every element its aria-describedby names. */
export function describedText(element: HTMLElement): string {
  return (element.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join("\n");
}
