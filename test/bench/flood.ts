/**
 * The bus under attack, measured (the README's security figures): an attacker in a worker
 * thread (its own event loop, as another machine would be) first guesses tokens from 127.0.0.3
 * as fast as it can, then floods connections that never say hello from 127.0.0.2, while 50
 * clients holding the token (127.0.0.1) watch a meter loop updating every 100 ms and a new one
 * connects every second. Prints its figures; asserts nothing.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { TokenHolder } from '../../main/bus/auth.js';
import { BusServer } from '../../main/bus/server.js';
import { StateHub } from '../../main/bus/state-hub.js';
import { median } from './stats.js';

const TOKEN = 'bench-flood-token-0123456789';
const HOLDERS = 50;
const PHASE_MS = 10_000;
const PARALLEL = 16;

interface AttackJob { floodBenchAttack: 'guess' | 'flood'; url: string; ms: number }
interface AttackResult { compared: number; throttled: number; opened: number; refused: number }

async function attack(job: AttackJob): Promise<AttackResult> {
  const result: AttackResult = { compared: 0, throttled: 0, opened: 0, refused: 0 };
  const end = Date.now() + job.ms;
  const held: WebSocket[] = [];
  const one = (): Promise<void> => new Promise((resolve) => {
    const ws = new WebSocket(job.url, { localAddress: job.floodBenchAttack === 'guess' ? '127.0.0.3' : '127.0.0.2', perMessageDeflate: false });
    ws.once('open', () => {
      result.opened++;
      if (job.floodBenchAttack === 'flood') { held.push(ws); resolve(); return; }
      ws.send(JSON.stringify({ type: 'hello', protocol: 2, role: 'viewer', token: `guess-${Math.random()}-0123456789` }));
    });
    ws.once('message', (data) => {
      const code = (JSON.parse(data.toString()) as { code: string }).code;
      if (code === 'rate-limited') result.throttled++;
      else result.compared++;
    });
    ws.once('close', () => resolve());
    ws.once('error', () => { result.refused++; resolve(); });
    ws.once('unexpected-response', () => { result.refused++; ws.terminate(); resolve(); });
  });
  await Promise.all(Array.from({ length: PARALLEL }, async () => { while (Date.now() < end) await one(); }));
  for (const ws of held) ws.terminate();
  return result;
}

if (!isMainThread && (workerData as AttackJob | undefined)?.floodBenchAttack) {
  parentPort!.postMessage(await attack(workerData as AttackJob));
}

function runAttack(job: AttackJob): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** A client with the token; resolves with it and the time its snapshot took. */
function holder(url: string, onDelta: () => void): Promise<{ ws: WebSocket; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress: '127.0.0.1', perMessageDeflate: false });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 2, role: 'viewer', token: TOKEN })));
    ws.on('message', (data) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      if (type === 'snapshot') resolve({ ws, ms: performance.now() - started });
      else if (type === 'delta') onDelta();
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

export async function bench(): Promise<void> {
  const hub = new StateHub();
  const server = await BusServer.listen({ hub, tokens: new TokenHolder(TOKEN), host: '127.0.0.1', port: 0 });
  const url = server.address().url;
  let deltas = 0;
  const holders = await Promise.all(Array.from({ length: HOLDERS }, () => holder(url, () => { deltas++; })));
  let n = 0;
  const loop = setInterval(() => hub.update({ costs: { todayEur: ++n } }), 100);

  const guessing = await runAttack({ floodBenchAttack: 'guess', url, ms: PHASE_MS });
  console.log(`token guessing from one address for ${PHASE_MS / 1000} s: ${(guessing.compared / (PHASE_MS / 1000)).toFixed(1)} guesses/s compared `
    + `(${guessing.compared} in all), ${guessing.throttled} refused unread, ${guessing.refused} connections refused`);

  const before = deltas;
  const flood = runAttack({ floodBenchAttack: 'flood', url, ms: PHASE_MS });
  const joins: number[] = [];
  const joinErrors: string[] = [];
  for (let i = 0; i < PHASE_MS / 1000 - 1; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      const late = await holder(url, () => {});
      joins.push(late.ms);
      late.ws.terminate();
    } catch (error) {
      joinErrors.push((error as Error).message);
    }
  }
  const flooded = await flood;
  const still = holders.filter((h) => h.ws.readyState === WebSocket.OPEN).length;
  const updates = n;
  console.log(`connection flood from one address for ${PHASE_MS / 1000} s: ${flooded.opened} connections opened (${(flooded.opened / (PHASE_MS / 1000)).toFixed(0)}/s), ${flooded.refused} refused`);
  console.log(`  clients with the token held: ${still} of ${HOLDERS}; deltas received during the flood: ${deltas - before} (${HOLDERS} clients x updates)`);
  console.log(`  a new client with the token got its snapshot in: median ${median(joins).toFixed(1)} ms, max ${Math.max(...joins).toFixed(1)} ms (${joins.length} tries, ${joinErrors.length} failed${joinErrors.length ? `: ${joinErrors.join(', ')}` : ''})`);
  console.log(`  meter updates in all: ${updates}`);
  clearInterval(loop);
  for (const h of holders) h.ws.terminate();
  await server.close();
}
