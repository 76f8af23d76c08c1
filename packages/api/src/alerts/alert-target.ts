// What a project's alerts go to, as users give it (validated, each field named) and as they see it back (masked).
import { z } from "zod";
import type { AlertTarget } from "@babyhelm/db";

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https only, except on this machine: a webhook URL is a secret that plain HTTP would show to the network. */
const webhookUrl = z
  .string({ error: "must be a string" })
  .trim()
  .max(2000, "must be at most 2000 characters")
  .pipe(z.url({ protocol: /^https?$/, error: "must be a URL such as https://hooks.slack.com/services/…" }))
  // Refinements run even where the URL check failed: an unparsable value is that check's to report.
  .refine(
    (value) =>
      !URL.canParse(value) ||
      new URL(value).protocol === "https:" ||
      LOOPBACK_HOSTS.has(new URL(value).hostname),
    "must be an https:// URL (the webhook URL is a secret; plain http is only accepted for localhost)",
  )
  .refine(
    (value) => !URL.canParse(value) || (new URL(value).username === "" && new URL(value).password === ""),
    "must not contain a user name or password",
  );

export const alertTargetInput = z
  .discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("slack"), url: webhookUrl }),
      z.object({
        type: z.literal("telegram"),
        botToken: z
          .string({ error: "must be a string" })
          .trim()
          .regex(
            /^\d{1,20}:[\w-]{20,100}$/,
            "must be a Telegram bot token as BotFather gives it, such as 123456789:AAH…",
          ),
        chatId: z
          .union([z.string(), z.number().int()], { error: "must be a chat id or @channel name" })
          .transform((value) => String(value).trim())
          .pipe(
            z
              .string()
              .regex(
                /^(-?\d{1,20}|@[A-Za-z][\w]{4,31})$/,
                "must be a numeric chat id (such as -1001234567890) or a public @channelname",
              ),
          ),
      }),
    ],
    { error: 'must be { type: "slack", url } or { type: "telegram", botToken, chatId }' },
  )
  .nullable();

export type AlertTargetInput = NonNullable<z.infer<typeof alertTargetInput>>;

export type MaskedAlertTarget =
  { type: "slack"; host: string; url: string } | { type: "telegram"; botToken: string; chatId: string };

/** The target as shown to users: enough to recognise it, not enough to use it. */
export function maskTarget(target: AlertTarget): MaskedAlertTarget {
  if (target.type === "slack") {
    const url = new URL(target.webhook_url ?? "");
    return { type: "slack", host: url.host, url: `${url.protocol}//${url.host}/…` };
  }
  return {
    type: "telegram",
    botToken: `…${(target.bot_token ?? "").slice(-4)}`,
    chatId: target.chat_id ?? "",
  };
}

/** Where a delivery went, for logs and error messages: never the secret part. */
export function describeTarget(target: AlertTarget): string {
  return target.type === "slack"
    ? `the webhook at ${new URL(target.webhook_url ?? "").host}`
    : `Telegram chat ${target.chat_id ?? ""}`;
}
