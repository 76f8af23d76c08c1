// A local webhook receiver for alert targets: records what it gets, answers 200 unless told otherwise, or holds the
// answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  body: { text?: string; blocks?: unknown[]; chat_id?: string };
}

export class Receiver {
  readonly requests: Received[] = [];
  answer: { status: number; body: string } | "hold" = { status: 200, body: "ok" };
  private readonly held: ServerResponse[] = [];
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        this.requests.push({ path: req.url ?? "", body: JSON.parse(text) as Received["body"] });
        if (this.answer === "hold") this.held.push(res);
        else res.writeHead(this.answer.status, { "Content-Type": "application/json" }).end(this.answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  release(): void {
    for (const res of this.held.splice(0)) res.writeHead(200).end("ok");
  }

  stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
