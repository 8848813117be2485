import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';

/**
 * Runs @doyensec/electronegativity's scanner (its programmatic API: its CLI breaks on the
 * hoisted commander) over a folder of built JavaScript, offline:
 * - its translations loader fetches from S3 on start: `got` is replaced, for this package only,
 *   by a stub that fails at once, so it uses its bundled English strings;
 * - AVAILABLE_SECURITY_FIXES (which asks the network for Electron releases) is excluded.
 */
export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  description: string;
}

export async function scanElectronSecurity(input: string, electronVersion: string): Promise<{ findings: Finding[]; errors: { file: string; message: string }[]; checks: number }> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const fromPackage = createRequire(`${packageDir}/dist/index.js`);
  const gotPath = fromPackage.resolve('got');
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = { __esModule: true, default: () => Promise.reject(new Error('offline: no network in tests')) };
  require.cache[gotPath] = stub;

  const run = fromPackage('./runner.js') as (options: Record<string, unknown>, forCli: boolean) => Promise<{
    globalChecks: number; atomicChecks: number;
    errors: { file: string; message: string; tolerable: boolean }[];
    issues: { id: string; severity: { name: string }; confidence: { name: string }; file: string; location: { line: number }; description: string }[];
  }>;
  const quiet = console.log;
  console.log = () => {}; // its offline translation notice
  try {
    const result = await run({
      input,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'], // AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: true,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    }, false);
    return {
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors.filter((e) => !e.tolerable).map(({ file, message }) => ({ file, message })),
      findings: result.issues.map((i) => ({
        id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, line: i.location.line, description: i.description,
      })),
    };
  } finally {
    console.log = quiet;
  }
}
