import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The folder handed to the team next to the checkout (never copied into the repository). */
export const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const recordingPath = join(sharedDir, 'fixtures/p1/fluvius-50216-3phase-20min.txt');
export const firstTelegramExpectedPath = join(sharedDir, 'fixtures/p1/first-telegram.expected.json');
export const haveRecording = existsSync(recordingPath);
/** Reason printed by tests that skip without ../shared. */
export const noRecordingReason = `skipped: ${recordingPath} is absent (the team's ../shared folder is not next to the checkout)`;
// vitest counts skipped tests without their names: say why in the output of every file that skips
if (!haveRecording) console.warn(noRecordingReason);
