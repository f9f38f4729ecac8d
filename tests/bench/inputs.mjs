// The inputs of the browser benchmarks, and of the e2e tests that open the same big run.

/** `spacetime example gossip-busy-sixteen`, grown: 119,932 events over 60,000 steps (seed 1). */
export const BIG_GOSSIP = {
  name: 'gossip-sixty-four',
  title: 'A busy network of sixty-four',
  description: 'Sixty-four processes and four hundred rumours: a run of over 100,000 events.',
  protocol: 'gossip',
  params: { fanout: 4, interval: 30, origin: 0, rumours: 400 },
  processes: Array.from({ length: 64 }, (_, i) => `P${i + 1}`),
  network: { latency: { min: 10, max: 30 }, loss: 0.0, duplicate: 0.0, fifo: false },
  seed: 1,
  limits: { max_steps: 60000 },
};

/** The query that opens `scenario` at its last step. The app reads sc= as base64url, padding
 * optional (app/src/link/codec.rs, base64url_decode). */
export function linkTo(scenario) {
  return `?sc=${Buffer.from(JSON.stringify(scenario)).toString('base64url')}&step=${scenario.limits.max_steps}`;
}

/** A GoVector log of `events` events on `hosts` hosts, from a small seeded generator. */
export function govectorLog(events, hosts) {
  let seed = 12345;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const names = Array.from({ length: hosts }, (_, i) => `host${i + 1}`);
  const clocks = names.map(() => ({}));
  const inbox = names.map(() => []);
  const lines = [];
  // The shapes real logs have (issue: "real logs, drawn exactly"): a receipt may take in several
  // messages at once and may send on; a send may go to several hosts.
  const sendFrom = (h, i) => {
    const fanout = random() < 0.25 ? 1 + Math.floor(random() * Math.min(3, hosts - 1)) : 1;
    const to = [];
    for (let k = 0; k < fanout; k++) {
      let t = Math.floor(random() * (hosts - 1));
      if (t >= h) t += 1;
      inbox[t].push({ ...clocks[h] });
      to.push(names[t]);
    }
    return ` and send #${i} to ${to.join(', ')}`;
  };
  for (let i = 0; i < events; i++) {
    const h = Math.floor(random() * hosts);
    const me = names[h];
    const clock = clocks[h];
    let text;
    if (inbox[h].length && random() < 0.6) {
      const take = random() < 0.2 ? inbox[h].length : 1;
      for (const carried of inbox[h].splice(0, take)) {
        for (const [k, v] of Object.entries(carried)) clock[k] = Math.max(clock[k] ?? 0, v);
      }
      clock[me] = (clock[me] ?? 0) + 1;
      text = `receive ${take} #${i}`;
      if (random() < 0.3) text += sendFrom(h, i);
    } else if (random() < 0.6) {
      clock[me] = (clock[me] ?? 0) + 1;
      text = `step${sendFrom(h, i)}`;
    } else {
      clock[me] = (clock[me] ?? 0) + 1;
      text = `local step #${i}`;
    }
    lines.push(`${me} ${JSON.stringify(clock)}`, text);
  }
  return `${lines.join('\n')}\n`;
}
