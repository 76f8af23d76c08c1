/**
 * A zod error function whose message names the field, and tells a missing field ("is required") from a wrong one
 * ("must be"): the SDK shows these messages to people who never read the schema.
 */
export function fieldError(field: string, expectation: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? `${field} is required: ${expectation}` : `${field} must be ${expectation}`;
}
