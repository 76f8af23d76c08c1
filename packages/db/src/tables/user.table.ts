import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface UserTable {
  id: Generated<string>;
  /** As typed at registration; uniqueness is on lower(email). */
  email: string;
  password_hash: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
