import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  /** stdout and stderr interleaved as they came: the tail explains a failure */
  output: string;
}

/** Run a helper process to its end, keeping its output for an error message instead of showing it. */
export function runQuietly(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => { output += chunk.toString('utf8'); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: null, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The lines of a helper's output that say what went wrong, at most `count`, else its last lines. */
export function failureLines(output: string, pattern: RegExp, count = 4): string[] {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const matching = lines.filter((l) => pattern.test(l));
  return (matching.length > 0 ? matching : lines).slice(-count);
}
