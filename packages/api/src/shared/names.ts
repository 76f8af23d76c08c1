import { z } from "zod";
import { DNS_1035_LABEL, DNS_1123_LABEL } from "@babyhelm/manifest-sdk/names";

/** A project name is its namespace: a DNS-1123 label, and not one Kubernetes keeps for itself. */
export const projectNameSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters (it is the namespace name)")
  .regex(
    DNS_1123_LABEL,
    "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  )
  .refine((name) => name !== "default", '"default" is Kubernetes\' own namespace; choose another name')
  .refine((name) => !name.startsWith("kube-"), 'names starting with "kube-" are reserved by Kubernetes');

/** How a project is named in other procedures' input: any DNS label; a wrong one is simply not found. */
export const projectRef = z.string().min(1).max(63);

export const appNameSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(53, "must be at most 53 characters")
  .regex(DNS_1035_LABEL, "must be a DNS label starting with a letter: lowercase letters, digits and '-'");

export const emailSchema = z
  .string()
  .trim()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "must be an email address such as ada@example.com" }));
