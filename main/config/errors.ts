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

/** "p1.port: expected string, received number" for each issue, the field path in dotted form. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    return `${field}: ${issue.message}`;
  });
}
