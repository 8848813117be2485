import type { z } from 'zod';

/** A configuration or data file that cannot be used, with a message a user can act on. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : '\n  ' + problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A message stays readable whatever the document held: at most this many problems, this many
 * unknown names per problem and this many characters per name (a generated or hostile document
 * with thousands of wrong keys would otherwise be answered with a message of megabytes).
 */
const MAX_PROBLEMS = 10;
const MAX_KEYS = 5;
const MAX_NAME = 40;

function shortName(name: string): string {
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}...` : name;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys' && (issue.keys.length > MAX_KEYS || issue.keys.some((k) => k.length > MAX_NAME))) {
    const shown = issue.keys.slice(0, MAX_KEYS).map((k) => JSON.stringify(shortName(k))).join(', ');
    const more = issue.keys.length - MAX_KEYS;
    return `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${shown}${more > 0 ? ` and ${more} more` : ''}`;
  }
  return issue.message;
}

/**
 * "p1.port: expected string, received number" for each issue, the field path in dotted form
 * (`top` names the whole document when the issue is about it). Files, commands, IPC arguments and
 * bus messages are all described by this, so none of them can answer with a message of megabytes.
 */
export function describeZodIssues(error: z.ZodError, top = '(top level)', maxProblems = MAX_PROBLEMS): string[] {
  const problems = error.issues.slice(0, maxProblems).map((issue) => {
    const field = issue.path.length ? issue.path.map((part) => shortName(String(part))).join('.') : top;
    return `${field}: ${issueMessage(issue)}`;
  });
  const more = error.issues.length - maxProblems;
  if (more > 0) problems.push(`... and ${more} more problem${more === 1 ? '' : 's'}`);
  return problems;
}
