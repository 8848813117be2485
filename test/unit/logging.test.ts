import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, ConditionLog } from '../../main/log/logger.js';
import { RotatingFile } from '../../main/log/rotating-file.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, stream };
}

describe('logging', () => {
  it('on a terminal: lines a person reads (time, level, message, fields), secrets still hidden; elsewhere JSON', () => {
    let text = '';
    const terminal = Object.assign(new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } }), { isTTY: false });
    createLogger({ console: terminal, pretty: true }).warn({ port: '/dev/ttyUSB0', token: 'abc123' }, 'P1 port silent');
    // e.g. "[05:12:09.123] WARN: P1 port silent\n    port: \"/dev/ttyUSB0\"\n    token: \"[secret]\""
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: P1 port silent\n/);
    expect(text).toContain('port: "/dev/ttyUSB0"');
    expect(text).toContain('token: "[secret]"');
    expect(text).not.toContain('abc123');
    const { lines, stream } = capture();
    createLogger({ console: stream }).warn('P1 port silent');
    expect(lines[0]).toMatchObject({ level: 40, msg: 'P1 port silent' });
  });

  it('never writes a secret, at any depth', () => {
    const { lines, stream } = capture();
    const log = createLogger({ console: stream });
    log.info({ token: 'abc123', charger: { password: 'hunter2' }, source: { auth: { secret: 's' } } }, 'connected');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/abc123|hunter2|"s"/);
    expect(lines[0]).toMatchObject({ msg: 'connected', token: '[secret]' });
  });

  it('logs a lasting condition once, and again only when it changes', () => {
    const { lines, stream } = capture();
    const conditions = new ConditionLog(createLogger({ console: stream }));
    for (let second = 0; second < 60; second++) conditions.report('p1', 'silent', 'warn', 'P1 port silent');
    conditions.report('p1', 'receiving', 'info', 'P1 data again');
    conditions.report('p1', 'receiving', 'info', 'P1 data again');
    expect(lines.map((l) => l.msg)).toEqual(['P1 port silent', 'P1 data again']);
  });

  it('writes the log file in the data directory and rolls it over at its size limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-log-'));
    const file = new RotatingFile(join(dir, 'app.log'), 1000, 2);
    for (let i = 0; i < 50; i++) file.write(`${'x'.repeat(90)} ${String(i).padStart(3, '0')}\n`);
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toContain(' 049\n');
    expect(readFileSync(join(dir, 'app.log.2'), 'utf8')).not.toContain(' 000\n'); // the oldest was dropped
  });
});
