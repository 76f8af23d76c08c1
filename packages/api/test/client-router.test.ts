// ClientRouter is written by hand from the procedures and the root config; `tsc` (the typecheck) fails here when it
// stops matching AppRouter, e.g. after a transformer or a new kind of metadata is added to initTRPC.
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { expectTypeOf, it } from "vitest";
import type { AppRouter, ClientRouter } from "../src/index.js";

type RootTypes<TRouter extends AppRouter | ClientRouter> = TRouter["_def"]["_config"]["$types"];

it("ClientRouter is AppRouter without the server's context", () => {
  expectTypeOf<ClientRouter["_def"]["record"]>().toEqualTypeOf<AppRouter["_def"]["record"]>();
  expectTypeOf<Omit<RootTypes<ClientRouter>, "ctx">>().toEqualTypeOf<Omit<RootTypes<AppRouter>, "ctx">>();
  expectTypeOf<inferRouterInputs<ClientRouter>>().toEqualTypeOf<inferRouterInputs<AppRouter>>();
  expectTypeOf<inferRouterOutputs<ClientRouter>>().toEqualTypeOf<inferRouterOutputs<AppRouter>>();
  expectTypeOf<inferRouterError<ClientRouter>>().toEqualTypeOf<inferRouterError<AppRouter>>();
  expectTypeOf<RootTypes<ClientRouter>["ctx"]>().toEqualTypeOf<object>();
});
