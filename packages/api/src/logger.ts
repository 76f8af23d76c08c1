import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs. Credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "babyhelm" },
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "res.headers['set-cookie']",
          "*.password",
          "*.token",
          "input.password",
          "input.token",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
