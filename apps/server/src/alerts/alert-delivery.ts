// Sends one alert to a project's target: Slack-compatible JSON ({ text, blocks }) or Telegram's sendMessage.
import type { AlertTarget } from "@babyhelm/db";
import { describeTarget } from "./alert-target.js";

export interface AlertMessage {
  /** One line: "🔴 shop/web failed: Image "x" cannot be pulled…". */
  text: string;
  title: string;
  detail: string;
  link: string | undefined;
}

/** A delivery that did not happen, said plainly and without the target's secret. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
}

const RESPONSE_EXCERPT = 200;

export async function deliverAlert(
  target: AlertTarget,
  message: AlertMessage,
  options: { telegramApiUrl: string; timeoutMs: number },
): Promise<void> {
  const secrets = [target.webhook_url, target.bot_token].filter((value): value is string => !!value);
  const where = describeTarget(target);
  const { url, body } =
    target.type === "slack"
      ? { url: target.webhook_url ?? "", body: slackPayload(message) }
      : {
          url: `${options.telegramApiUrl}/bot${target.bot_token ?? ""}/sendMessage`,
          body: { chat_id: target.chat_id, text: message.text },
        };
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      // A redirect would send the alert somewhere the creator did not name.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${options.timeoutMs / 1000} s`
        : causeOf(error);
    throw new DeliveryError(scrub(`Could not reach ${where}: ${reason}`, secrets));
  }
  const text = await response.text().catch(() => "");
  if (response.status >= 200 && response.status < 300) {
    // Telegram answers 200 with ok: false in a few cases; the rest answer with an error status.
    if (target.type === "telegram" && /"ok"\s*:\s*false/.test(text)) {
      throw new DeliveryError(scrub(`${where} refused the message: ${telegramReason(text)}`, secrets));
    }
    return;
  }
  const said = target.type === "telegram" ? telegramReason(text) : text.trim().slice(0, RESPONSE_EXCERPT);
  throw new DeliveryError(
    scrub(`${capitalize(where)} answered ${response.status}${said === "" ? "" : `: ${said}`}`, secrets),
  );
}

function slackPayload(message: AlertMessage) {
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${message.title}*\n${message.detail}` } },
  ];
  if (message.link !== undefined) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `<${message.link}|Open in BabyHelm>` }],
    });
  }
  return { text: message.text, blocks };
}

function telegramReason(text: string): string {
  try {
    const parsed = JSON.parse(text) as { description?: unknown };
    if (typeof parsed.description === "string") return parsed.description.slice(0, RESPONSE_EXCERPT);
  } catch {
    // Not Telegram's JSON (a proxy's page): show its start.
  }
  return text.trim().slice(0, RESPONSE_EXCERPT);
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, a DNS failure, a TLS error) is in its cause. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join("[redacted]");
  return result;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
