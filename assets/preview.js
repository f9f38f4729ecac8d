// The picture of a linked view, shown while the page's code arrives.
//
// A link to a built-in scenario (`?s=paxos-calm&step=8`) or a lesson (`?lesson=raft`) needs the
// lesson's WebAssembly, which takes seconds on a phone. The release build draws every built-in
// run in advance with the core's own renderer (`spacetime previews`, cli/src/previews.rs) into a
// folder the page names in `<meta name="spacetime-preview">`. This script fetches the one
// picture the link names, cuts it at the link's step with the step data the renderer wrote
// (core/src/svg.rs, `SvgOptions::step_data`), and shows it until the app says its view has
// opened ('spacetime-ready') or could not ('spacetime-failed'; app/src/opening.rs).
//
// Only links that name a prepared run and say nothing that changes it get a picture: a seed, a
// network, interventions, a scenario in the link or a tour run differently, so the page then
// waits for its code as before. A plain file: the page's Content-Security-Policy allows no
// inline script.
(() => {
  const meta = document.querySelector('meta[name="spacetime-preview"]');
  if (!meta || !window.fetch || !window.DOMParser || !navigator.onLine) return;
  const params = new URLSearchParams(location.search);
  const shown = new Set(['s', 'scenario', 'lesson', 'step', 'labels', 'sel', 'embed', 'present']);
  for (const key of params.keys()) if (!shown.has(key)) return;
  const name = (params.get('s') ?? params.get('scenario') ?? '').trim();
  const lesson = (params.get('lesson') ?? '').trim();
  const picture = name ? `s/${name}` : lesson ? `lesson/${lesson}` : '';
  // Only a picture the build drew (a run too big for one has none, and a misspelt name none).
  if (!picture || !(meta.dataset.drawn ?? '').split(' ').includes(picture)) return;
  const stepText = params.get('step') ?? '0';
  if (!/^\d+$/.test(stepText)) return;
  const step = Number(stepText);
  const labels = params.get('labels') ?? 'lamport';

  let over = false;
  let box = null;
  const end = () => {
    over = true;
    box?.remove();
  };
  addEventListener('spacetime-ready', end, { once: true });
  addEventListener('spacetime-failed', end, { once: true });

  fetch(`${meta.content}${picture}.svg`)
    .then((r) => (r.ok ? r.text() : null))
    .then((text) => {
      if (!text || over) return;
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const svg = doc.documentElement;
      if (svg.nodeName !== 'svg') return;
      cut(svg, step);
      // The picture's captions are Lamport timestamps; other labels are the app's to draw.
      if (labels !== 'lamport') for (const c of svg.querySelectorAll('.caption')) c.remove();
      box = document.createElement('div');
      box.className = 'preview';
      box.dataset.testid = 'preview';
      box.setAttribute('role', 'status');
      const note = document.createElement('p');
      note.className = 'preview-note';
      const spinner = document.createElement('span');
      spinner.className = 'spinner';
      spinner.setAttribute('aria-hidden', 'true');
      note.append(spinner, 'A picture of this run: the interactive diagram is loading…');
      box.append(note, document.importNode(svg, true));
      if (document.body) document.body.prepend(box);
      else addEventListener('DOMContentLoaded', () => !over && document.body.prepend(box), { once: true });
    })
    .catch(() => {});

  // The run as it stood after `step` steps (what the page draws there): events and messages of
  // later steps removed, messages still travelling then drawn part way, crashed processes down
  // up to then.
  function cut(svg, step) {
    const times = (svg.dataset.times ?? '').split(' ').filter(Boolean).map(Number);
    const n = Math.min(step, times.length);
    const now = n === 0 ? 0 : times[n - 1];
    const nowX = Number(svg.dataset.x0) + now * Number(svg.dataset.ppt);
    const before = (value) => value !== undefined && value !== '' && Number(value) < n;
    for (const e of svg.querySelectorAll('g.event[data-step]')) if (!before(e.dataset.step)) e.remove();
    for (const m of svg.querySelectorAll('g.message[data-sent]')) {
      if (!before(m.dataset.sent)) m.remove();
      else if (!before(m.dataset.settled)) travelling(m, now);
    }
    for (const d of svg.querySelectorAll('g.down[data-from]')) {
      if (!before(d.dataset.from)) d.remove();
      else if (!before(d.dataset.until)) {
        const rect = d.querySelector('rect');
        rect?.setAttribute('width', String(Math.max(2, nowX - Number(rect.getAttribute('x')))));
      }
    }
  }

  // A message on its way at time `now`: a dashed line from its send point as far as it has got
  // (at least a stub, as the page draws it), with an envelope at its tip.
  function travelling(m, now) {
    const [fx, fy, dx, dy, sent, due] = m.dataset.flight.split(' ').map(Number);
    const length = Math.hypot(dx - fx, dy - fy);
    let t = Math.min(1, Math.max(0, (now - sent) / Math.max(1, due - sent)));
    if (length > 0 && t * length < 24) t = Math.min(1, 24 / length);
    const x = fx + (dx - fx) * t;
    const y = fy + (dy - fy) * t;
    const colour = m.querySelector('line')?.getAttribute('stroke') ?? '#1f1f1f';
    const ns = 'http://www.w3.org/2000/svg';
    const line = document.createElementNS(ns, 'line');
    for (const [k, v] of Object.entries({ x1: fx, y1: fy, x2: x, y2: y, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': '7 5' })) line.setAttribute(k, String(v));
    const envelope = document.createElementNS(ns, 'circle');
    for (const [k, v] of Object.entries({ class: 'envelope', cx: x, cy: y, r: 4, fill: '#ffffff', stroke: colour, 'stroke-width': 2 })) envelope.setAttribute(k, String(v));
    m.replaceChildren(line, envelope);
    m.setAttribute('class', 'message in-flight');
  }
})();
