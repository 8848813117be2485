import { describe, expect, it } from 'vitest';
import { P1Reader } from '../../main/p1/reader.js';
import { createP1Source } from '../../main/p1/sources/factory.js';
import { p1SourceSchema } from '../../main/config/schema.js';
import { haveRecording, noRecordingReason, recordingPath, sharedDir } from '../support/shared-fixtures.js';
import { waitFor } from '../support/scaled-timers.js';

describe.skipIf(!haveRecording)(`replaying the shared 20-minute recording ${haveRecording ? '' : noRecordingReason}`, () => {
  it('yields all 1,201 frames at max speed: 1,199 telegrams and the 2 with a bad CRC', async () => {
    // configured as a user would: a path relative to the configuration's directory
    const config = p1SourceSchema.parse({ type: 'replay', file: 'fixtures/p1/fluvius-50216-3phase-20min.txt', speed: 'max' });
    const reader = new P1Reader(createP1Source(config, { baseDir: sharedDir }));
    reader.start();
    await waitFor('the end of the recording', () => reader.status().state === 'ended', 10_000);
    expect(reader.source.description).toBe(recordingPath);
    expect(reader.counts()).toMatchObject({ ok: 1199, refused: 2, refusedBy: { 'crc-mismatch': 2 }, bytes: 888751 });
    // the last telegram of the recording, 2022-11-27 17:17:07 UTC
    expect(reader.latest()).toMatchObject({ time: Date.UTC(2022, 10, 27, 17, 17, 7) });
    expect(reader.status().message).toBe('Replay of fluvius-50216-3phase-20min.txt finished: 1201 telegrams');
  });
});
