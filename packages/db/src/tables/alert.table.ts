import type { ColumnType, Selectable } from "kysely";

export const ALERT_TARGET_TYPES = ["slack", "telegram"] as const;
export type AlertTargetType = (typeof ALERT_TARGET_TYPES)[number];

/** A project's alert destination. The URL and the bot token are secrets: never logged, shown masked. */
export interface AlertTargetTable {
  project_id: string;
  type: AlertTargetType;
  /** slack: the incoming-webhook URL (Slack, Mattermost, Rocket.Chat, Discord's /slack endpoint...). */
  webhook_url: string | null;
  /** telegram: the bot's token and the chat to post to. */
  bot_token: string | null;
  chat_id: string | null;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The last state an app was alerted about (failed, degraded, ready after one of them). */
export interface AppAlertStateTable {
  app_id: string;
  notified_state: string;
  notified_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type AlertTarget = Selectable<AlertTargetTable>;
export type AppAlertState = Selectable<AppAlertStateTable>;
