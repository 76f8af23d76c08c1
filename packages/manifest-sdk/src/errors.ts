/** One problem with an input, addressed by a field path such as `ports[0].containerPort` ("" = the input itself). */
export interface InputIssue {
  path: string;
  message: string;
}

export function formatIssue(issue: InputIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

const MESSAGE_ISSUE_LIMIT = 50;

/**
 * Thrown for every invalid input (an app spec, a project spec, manifest text). It carries all the problems found at
 * once so a user can fix them in one go.
 */
export class ManifestInputError extends Error {
  override readonly name = "ManifestInputError";
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[], title = "Invalid input") {
    // All issues stay in `.issues`; the message stops at a readable length (a 10^6-item array can fail every item).
    const shown = issues.slice(0, MESSAGE_ISSUE_LIMIT).map((issue) => `  ${formatIssue(issue)}`);
    if (issues.length > MESSAGE_ISSUE_LIMIT) shown.push(`  …and ${issues.length - MESSAGE_ISSUE_LIMIT} more`);
    super(`${title}:\n${shown.join("\n")}`);
    this.issues = issues;
  }
}

/**
 * A bug in a pack rather than in the input: a bad definition, a template that throws, or output that is not a list of
 * Kubernetes objects. Kept apart from ManifestInputError so that a user is never blamed for a pack author's mistake.
 */
export class PackError extends Error {
  override readonly name: string = "PackError";
  /** "name@version" of the pack, when known. */
  readonly pack: string | undefined;

  constructor(message: string, options?: { pack?: string; cause?: unknown }) {
    super(options?.pack === undefined ? message : `pack ${options.pack}: ${message}`, {
      cause: options?.cause,
    });
    this.pack = options?.pack;
  }
}

/** No registered pack matches a reference such as "default@2". */
export class PackNotFoundError extends Error {
  override readonly name = "PackNotFoundError";
  readonly ref: string;
  /** The registered "name@version" refs, for the message and for callers that want to suggest one. */
  readonly available: readonly string[];

  constructor(ref: string, reason: string, available: readonly string[]) {
    const listing =
      available.length === 0 ? "no packs are registered" : `registered: ${available.join(", ")}`;
    super(`No pack matches "${ref}": ${reason} (${listing})`);
    this.ref = ref;
    this.available = available;
  }
}

/** A pack definition that cannot work: bad name or version, missing template, template that does not compile. */
export class PackDefinitionError extends PackError {
  override readonly name = "PackDefinitionError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[], pack?: string) {
    super(
      `invalid pack definition:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
      pack === undefined ? {} : { pack },
    );
    this.problems = problems;
  }
}
