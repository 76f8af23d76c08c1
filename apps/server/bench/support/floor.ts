// The projects.list bench's floor (floor-child.ts) in a process of its own, like the hello-world: its CPU is
// measured apart from the server's, and it shares nothing with the server but PostgreSQL.
import { fileURLToPath } from "node:url";
import { startChildServer, type ChildServer } from "./load.js";

const CHILD = fileURLToPath(new URL("floor-child.ts", import.meta.url));

export function startFloor(databaseUrl: string, poolSize: number): Promise<ChildServer> {
  return startChildServer("the floor server", [
    "--conditions=development",
    "--import",
    import.meta.resolve("tsx"),
    CHILD,
    databaseUrl,
    String(poolSize),
  ]);
}
