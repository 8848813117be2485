import { spawnSync } from 'node:child_process';

/**
 * Two machines on one: a pair of network namespaces joined by a veth pair, each end with an
 * address of its own (10.231.0.1 the meter, 10.231.0.2 the garage), made with iproute2 as root.
 * Nothing is added to the machine's own namespace: both veth ends are created inside theirs.
 */
export interface TwoMachines {
  meterNs: string;
  garageNs: string;
  meterIp: string;
  garageIp: string;
  /** the garage's end of the cable, inside the garage namespace */
  garageLink: string;
  /** pull the cable (the garage's end down) or plug it back */
  link(up: boolean): void;
  /** argv prefix that runs a command on one machine */
  exec(ns: string): string[];
  remove(): void;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, err: (result.stderr || result.error?.message || '').trim() };
}

function must(args: string[]): void {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')}: ${result.err}`);
}

/** Why namespaces cannot be made here (not root, no iproute2, a kernel without them), or null. */
export function whyNoNamespaces(): string | null {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making network namespaces needs root (CI runs as root)';
  const probe = `dm-probe-${process.pid}`;
  const made = ip(['netns', 'add', probe]);
  if (!made.ok) return `ip netns add failed: ${made.err || 'is iproute2 installed?'}`;
  ip(['netns', 'del', probe]);
  return null;
}

export function twoMachines(tag: string): TwoMachines {
  const meterNs = `dm-meter-${tag}`;
  const garageNs = `dm-garage-${tag}`;
  const meterLink = 'eth-meter';
  const garageLink = 'eth-garage';
  const meterIp = '10.231.0.1';
  const garageIp = '10.231.0.2';
  must(['netns', 'add', meterNs]);
  try {
    must(['netns', 'add', garageNs]);
    must(['link', 'add', meterLink, 'netns', meterNs, 'type', 'veth', 'peer', 'name', garageLink, 'netns', garageNs]);
    for (const [ns, dev, addr] of [[meterNs, meterLink, meterIp], [garageNs, garageLink, garageIp]] as const) {
      must(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev]);
      must(['-n', ns, 'link', 'set', dev, 'up']);
      must(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (error) {
    ip(['netns', 'del', meterNs]);
    ip(['netns', 'del', garageNs]);
    throw error;
  }
  return {
    meterNs, garageNs, meterIp, garageIp, garageLink,
    link: (up) => must(['-n', garageNs, 'link', 'set', garageLink, up ? 'up' : 'down']),
    exec: (ns) => ['ip', 'netns', 'exec', ns],
    remove: () => {
      ip(['netns', 'del', meterNs]);
      ip(['netns', 'del', garageNs]);
    },
  };
}
