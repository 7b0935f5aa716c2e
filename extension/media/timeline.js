// The Retrovisor Timeline webview: draws the recording's events along the
// icount axis (one lane per kind) and as a list, marks the session's position,
// and asks the extension to seek when an event or a place on the axis is clicked.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const KINDS = ['input', 'trap', 'interrupt', 'privilege', 'console', 'end'];
  const LABELS = { input: 'Inputs', trap: 'Traps', interrupt: 'Interrupts', privilege: 'Privilege', console: 'Console', end: 'End' };
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const fmt = (n) => Math.trunc(n).toLocaleString('en-US');

  /** @type {{ session: string, events: {icount:number, kind:string, pc:string, summary:string}[], scannedTo:number, end:number, live:boolean, complete:boolean, truncated:boolean } | undefined} */
  let data;
  /** @type {{ icount:number, end:number|null, furthest:number } | undefined} */
  let position;
  const hidden = new Set(/** @type {string[]} */ ((vscode.getState() || {}).hidden || []));

  /** The axis length: the recording's end, or for a live session the furthest point reached. */
  function axisEnd() {
    const e = Math.max(data ? data.end : 0, position ? (position.end ?? position.furthest) : 0, position ? position.icount : 0);
    return Math.max(1, e);
  }

  const seek = (icount) => vscode.postMessage({ type: 'seek', icount: Math.max(0, Math.round(icount)) });

  function render() {
    if (!data) return;
    $('status').hidden = true;
    $('timeline').hidden = false;
    const end = axisEnd();
    const shown = data.events.filter((e) => !hidden.has(e.kind));
    const kinds = KINDS.filter((k) => data && data.events.some((e) => e.kind === k));

    const lanes = $('lanes');
    lanes.replaceChildren();
    for (const kind of kinds) {
      const lane = document.createElement('div');
      lane.className = `lane kind-${kind}`;
      lane.dataset.kind = kind;
      const label = document.createElement('span');
      label.className = 'lane-label';
      label.textContent = LABELS[kind];
      const track = document.createElement('div');
      track.className = 'track';
      track.title = 'Click to go to this instruction count';
      track.addEventListener('click', (ev) => {
        if (ev.target !== track) return;
        const r = track.getBoundingClientRect();
        seek(((ev.clientX - r.left) / r.width) * end);
      });
      if (!hidden.has(kind)) {
        for (const e of data.events) {
          if (e.kind !== kind) continue;
          const m = document.createElement('button');
          m.className = 'marker';
          m.style.left = `${(100 * e.icount) / end}%`;
          m.title = `${fmt(e.icount)}: ${e.summary}`;
          m.dataset.icount = String(e.icount);
          m.setAttribute('aria-label', `${LABELS[kind]} at icount ${e.icount}: ${e.summary}`);
          m.addEventListener('click', () => seek(e.icount));
          track.append(m);
        }
      }
      lane.append(label, track);
      lanes.append(lane);
    }
    const cursor = document.createElement('div');
    cursor.id = 'cursor';
    cursor.className = 'cursor';
    lanes.append(cursor);

    const axis = $('axis');
    axis.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map((f) => {
      const t = document.createElement('span');
      t.className = 'tick';
      t.style.left = `${100 * f}%`;
      t.textContent = fmt(f * end);
      return t;
    }));

    const filters = $('filters');
    filters.replaceChildren(...kinds.map((kind) => {
      const l = document.createElement('label');
      l.className = `filter kind-${kind}`;
      const c = document.createElement('input');
      c.type = 'checkbox';
      c.checked = !hidden.has(kind);
      c.addEventListener('change', () => {
        if (c.checked) hidden.delete(kind); else hidden.add(kind);
        vscode.setState({ hidden: [...hidden] });
        render();
      });
      const count = data ? data.events.filter((e) => e.kind === kind).length : 0;
      l.append(c, ` ${LABELS[kind]} (${count})`);
      return l;
    }));

    const list = $('list');
    list.replaceChildren(...shown.map((e) => {
      const li = document.createElement('li');
      li.className = `event kind-${e.kind}`;
      li.tabIndex = 0;
      li.dataset.icount = String(e.icount);
      li.dataset.kind = e.kind;
      li.title = `Go to icount ${fmt(e.icount)} (pc ${e.pc})`;
      const ic = document.createElement('span');
      ic.className = 'icount';
      ic.textContent = fmt(e.icount);
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = e.kind;
      const s = document.createElement('span');
      s.className = 'text';
      s.textContent = e.summary;
      li.append(ic, k, s);
      li.addEventListener('click', () => seek(e.icount));
      li.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); seek(e.icount); } });
      return li;
    }));

    const what = data.live ? `live session, ${fmt(data.end)} instructions so far` : `${fmt(data.end)} instructions`;
    const partial = data.truncated ? ` — the first ${fmt(data.events.length)} events, up to icount ${fmt(data.scannedTo)}` : '';
    $('summary').textContent = `${data.session}: ${what}, ${fmt(data.events.length)} events${partial}`;
    renderPosition();
  }

  function renderPosition() {
    if (!data || !position) return;
    const end = axisEnd();
    const cursor = document.getElementById('cursor');
    if (cursor) {
      cursor.style.left = `calc(var(--label-width) + (100% - var(--label-width)) * ${position.icount / end})`;
      cursor.title = `icount ${fmt(position.icount)}`;
    }
    $('summary').dataset.position = String(position.icount);
    // The current events: those at the last icount at or before the position.
    const rows = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('#list .event')]);
    let at = -1;
    for (const li of rows) {
      const i = Number(li.dataset.icount);
      if (i <= position.icount) at = i;
    }
    let first;
    for (const li of rows) {
      const current = Number(li.dataset.icount) === at;
      li.classList.toggle('current', current);
      if (current) li.setAttribute('aria-current', 'true');
      else li.removeAttribute('aria-current');
      if (current && first === undefined) first = li;
    }
    first?.scrollIntoView({ block: 'nearest' });
    for (const m of /** @type {HTMLElement[]} */ ([...document.querySelectorAll('#lanes .marker')])) {
      m.classList.toggle('current', Number(m.dataset.icount) === at);
    }
    $('position').textContent = `At icount ${fmt(position.icount)}`;
  }

  const pos = document.createElement('div');
  pos.id = 'position';
  pos.className = 'position';
  document.body.insertBefore(pos, $('timeline'));

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    switch (m.type) {
      case 'none':
        data = undefined;
        position = undefined;
        $('timeline').hidden = true;
        $('position').textContent = '';
        $('status').hidden = false;
        $('status').textContent = 'Start a Retrovisor debug session to see its timeline.';
        break;
      case 'status':
        if (!data) {
          $('status').hidden = false;
          $('status').textContent = m.text;
        }
        break;
      case 'events':
        data = m;
        render();
        break;
      case 'position':
        position = m;
        if (data) renderPosition();
        else $('position').textContent = `At icount ${fmt(m.icount)}`;
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
