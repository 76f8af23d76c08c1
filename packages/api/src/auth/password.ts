import { hash, verify } from "@node-rs/argon2";

/** argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane. */
export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the time a verify would, so that an unknown email answers as slowly as a wrong password. */
  verifyNothing(password: string): Promise<false>;
}

export function createPasswordHasher(cost: PasswordCost = DEFAULT_PASSWORD_COST): PasswordHasher {
  const options = { ...cost, parallelism: 1 };
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    verify: async (passwordHash, password) => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    verifyNothing: async (password) => {
      dummyHash ??= hash("babyhelm-timing-equaliser", options);
      await verify(await dummyHash, password).catch(() => false);
      return false;
    },
  };
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// The most common passwords of at least the minimum length (from public breach top lists).
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "123456789a",
  "0987654321",
  "1q2w3e4r5t",
  "1qaz2wsx3edc",
  "abcdefghij",
  "abc1234567",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "qwertyuiop",
  "qwerty12345",
  "qwerty123456",
  "asdfghjkl1",
  "zxcvbnm123",
  "iloveyou12",
  "letmein123",
  "welcome123",
  "admin12345",
  "administrator",
  "changeme123",
  "football123",
  "baseball123",
  "superman123",
  "trustno1234",
  "sunshine123",
  "princess123",
  "starwars123",
  "dragon1234",
  "monkey1234",
  "babyhelm123",
  "kubernetes",
  "kubernetes123",
]);

/** Why a password is too weak, or undefined. The email's parts are never a good password. */
export function passwordWeakness(password: string, email: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return "is one of the most common passwords; choose another";
  if (new Set(lower).size <= 2) return "repeats too few characters; choose a longer mix";
  if (isSequence(lower)) return "is a simple sequence; choose another";
  const [local = ""] = email.toLowerCase().split("@");
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) {
    return "must not contain your email address";
  }
  return undefined;
}

function isSequence(text: string): boolean {
  const step = text.charCodeAt(1) - text.charCodeAt(0);
  if (Math.abs(step) !== 1) return false;
  for (let index = 2; index < text.length; index++) {
    if (text.charCodeAt(index) - text.charCodeAt(index - 1) !== step) return false;
  }
  return true;
}
