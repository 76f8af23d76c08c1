// Sends one alert to a project's target: Slack-compatible JSON ({ text, blocks }) or Telegram's sendMessage.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AlertTarget } from "@babyhelm/db";
import { describeTarget } from "./alert-target.js";
import { DeliveryError, describeRequestFailure, shownUrl } from "./delivery-failure.js";
import {
  obviouslyPrivate,
  PrivateAddressError,
  privateAddressReason,
  publicOnlyLookup,
  type Lookup,
} from "./webhook-address.js";

export interface AlertMessage {
  /** One line: "🔴 shop/web failed: Image "x" cannot be pulled…". */
  text: string;
  title: string;
  detail: string;
  link: string | undefined;
}

const RESPONSE_EXCERPT = 200;

export interface DeliveryOptions {
  telegramApiUrl: string;
  timeoutMs: number;
  /** Let webhooks reach loopback and private addresses (ALERT_PRIVATE_WEBHOOKS); the Telegram API URL always may. */
  allowPrivate: boolean;
  /** How host names resolve; the system's resolver unless a test says otherwise. */
  lookup?: Lookup;
}

export async function deliverAlert(
  target: AlertTarget,
  message: AlertMessage,
  options: DeliveryOptions,
): Promise<void> {
  const secrets = [target.webhook_url, target.bot_token].filter((value): value is string => !!value);
  const where = describeTarget(target);
  const webhook = target.type === "slack";
  const { url, body } = webhook
    ? { url: new URL(target.webhook_url ?? ""), body: slackPayload(message) }
    : {
        url: new URL(`${options.telegramApiUrl}/bot${target.bot_token ?? ""}/sendMessage`),
        body: { chat_id: target.chat_id, text: message.text },
      };
  const shown = shownUrl(target, url);
  const guarded = webhook && !options.allowPrivate;
  const literal = guarded ? obviouslyPrivate(url) : undefined;
  if (literal !== undefined) {
    throw new DeliveryError(`Did not send to ${where}: ${privateAddressReason(url.hostname, literal)}.`);
  }
  let response: { status: number; text: string };
  try {
    response = await postJson(url, body, {
      timeoutMs: options.timeoutMs,
      lookup: guarded ? publicOnlyLookup(options.lookup) : options.lookup,
    });
  } catch (error) {
    if (error instanceof PrivateAddressError)
      throw new DeliveryError(`Did not send to ${where}: ${error.message}.`);
    const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port;
    const reason = describeRequestFailure(error, {
      host: url.hostname,
      port,
      url: shown,
      timeoutMs: options.timeoutMs,
    });
    throw new DeliveryError(scrub(`Could not reach ${where}. ${reason}`, secrets));
  }
  const { text } = response;
  if (response.status >= 200 && response.status < 300) {
    // Telegram answers 200 with ok: false in a few cases; the rest answer with an error status.
    if (target.type === "telegram" && /"ok"\s*:\s*false/.test(text)) {
      throw new DeliveryError(scrub(`${where} refused the message: ${telegramReason(text)}`, secrets));
    }
    return;
  }
  const said = target.type === "telegram" ? telegramReason(text) : text.trim().slice(0, RESPONSE_EXCERPT);
  throw new DeliveryError(
    scrub(
      `${capitalize(where)} answered HTTP ${response.status} from ${shown}${said === "" ? "" : `: ${said}`}`,
      secrets,
    ),
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

/**
 * One POST with node's own client rather than fetch: it takes a `lookup`, so the address that was checked is the one
 * connected to. Redirects are not followed: they would send the alert somewhere the creator did not name.
 */
function postJson(
  url: URL,
  body: unknown,
  options: { timeoutMs: number; lookup: Lookup | undefined },
): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      },
      (incoming) => {
        let text = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => {
          // Only the start is ever shown.
          if (text.length < 4096) text += chunk;
        });
        incoming.on("end", () => {
          resolve({ status: incoming.statusCode ?? 0, text });
        });
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", (error: Error) => {
      reject(error.name === "AbortError" && error.cause instanceof Error ? error.cause : error);
    });
    outgoing.end(payload);
  });
}

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join("[redacted]");
  return result;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
