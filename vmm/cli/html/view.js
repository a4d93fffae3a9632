/*
 * The page of a vmm run.  DATA (the JSON in #vmm-data) holds one step per
 * operation, each the --json trace's object plus "tables" (the non-zero
 * PGD/PMD entries over the vmalloc range after it), "by_checks" (entries the
 * checker's own walks changed) and, on the first step, "initial_ptes".  The
 * PTEs of the range are rebuilt by applying each step's changes in order
 * (and undoing them backwards: every change has its old and new value), so
 * a move of the slider costs the changes in between, never the whole run.
 */
'use strict';
(function () {
  const DATA = JSON.parse(document.getElementById('vmm-data').textContent);
  const STEPS = DATA.steps;
  const SUM = DATA.summary;
  const PAGE = SUM.page_size;
  const RULES = ['A1', 'A2', 'A3', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8', 'P1', 'P2',
                 'T1', 'T2', 'T3', 'T4', 'V1', 'H1'];
  const $ = (id) => document.getElementById(id);
  const num = (h) => parseInt(h, 16);
  const hex = (n, w) => n.toString(16).padStart(w || 8, '0');
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  /* The current PTEs of the range, va (number) -> [entry address, value] (hex strings). */
  const ptes = new Map();
  let cur = -1; /* the step ptes reflects; -1: before the first */

  function setPte(va, entry, value) {
    if (BigInt(value) === 0n) ptes.delete(va);
    else ptes.set(va, [entry, value]);
  }
  function applyStep(s, forward) {
    const lists = [s.changes || [], s.by_checks || []];
    if (!forward) lists.reverse();
    for (const list of lists) {
      const l = forward ? list : list.slice().reverse();
      for (const c of l)
        if (c.level === 'PTE') setPte(num(c.va), c.entry, forward ? c.new : c.old);
    }
  }
  function moveTo(k) {
    if (cur < 0) {
      for (const e of (STEPS.length && STEPS[0].initial_ptes) || [])
        setPte(num(e[1]), e[2], e[3]);
    }
    while (cur < k) applyStep(STEPS[++cur], true);
    while (cur > k) applyStep(STEPS[cur--], false);
  }

  /* The extent drawn to scale: from vmalloc_start to past the last area (or table) of the run. */
  const pae = STEPS.some((s) => s.paging === 'PAE');
  const BLOCK = pae ? 2 << 20 : 4 << 20;
  const lo = num(SUM.vmalloc_start);
  let hiUsed = lo + BLOCK;
  for (const s of STEPS) {
    for (const a of s.areas || []) hiUsed = Math.max(hiUsed, num(a.addr) + a.size);
    for (const t of s.tables || []) if (t[0] !== 'PGD' || !pae) hiUsed = Math.max(hiUsed, num(t[1]) + BLOCK);
  }
  const hi = Math.min(num(SUM.vmalloc_end), Math.ceil((hiUsed - lo) / BLOCK) * BLOCK + lo);
  const pct = (a) => ((a - lo) / (hi - lo)) * 100 + '%';
  const wpct = (n) => (n / (hi - lo)) * 100 + '%';

  function header() {
    $('title').textContent = DATA.title;
    const sum = $('summary');
    sum.textContent = `${SUM.operations} operations, ` +
      (SUM.checked ? `${SUM.checks} checks, ` : 'checks off, ');
    const v = el('span', SUM.violations ? 'bad' : '', `${SUM.violations} violations`);
    sum.appendChild(v);
    $('slider').max = Math.max(0, STEPS.length - 1);
    $('rangeinfo').textContent = `[0x${hex(lo)}, 0x${hex(hi)}) of [0x${hex(lo)}, ${SUM.vmalloc_end}); ` +
      `one block = ${BLOCK >> 20} MiB (one ${pae ? 'PMD' : 'PGD'} entry, one page table)`;
    const ov = $('overview-used'), end = num(SUM.vmalloc_end);
    ov.style.left = '0';
    ov.style.width = ((hi - lo) / (end - lo)) * 100 + '%';
    const blocks = $('blocks');
    for (let b = lo; b < hi; b += BLOCK) {
      const d = el('div', 'block', '0x' + hex(b));
      d.style.left = pct(b);
      d.style.width = wpct(BLOCK);
      blocks.appendChild(d);
    }
  }

  /* ---- the walk (vtop) of one address at the current step ---- */
  const FLAGS = [[0, 'P'], [1, 'RW'], [2, 'US'], [3, 'PWT'], [4, 'PCD'], [5, 'A'], [6, 'D'],
                 [7, 'PS'], [8, 'G']];
  function flagsOf(v, level) {
    const b = BigInt(v), out = [];
    for (const [bit, name] of FLAGS)
      if (b & (1n << BigInt(bit))) out.push(bit === 7 && level === 'PTE' ? 'PAT' : name);
    if (b >> 63n) out.push('NX');
    return out.length ? out.join(' ') : 'none';
  }
  function findTable(s, level, va) {
    const span = level === 'PGD' ? (pae ? 1 << 30 : 4 << 20) : 2 << 20;
    const base = va - (va % span);
    return (s.tables || []).find((t) => t[0] === level && num(t[1]) === base);
  }
  function walkText(va) {
    const s = STEPS[cur];
    const w = pae ? 16 : 8;
    const lines = [`vtop 0x${hex(va)} at step ${cur + 1} (${s.paging}, CR3 ${s.cr3_after})`];
    const mask = pae ? 0x000ffffffffff000n : 0xfffff000n;
    const show = (name, addr, v) =>
      lines.push(`  ${name} @${addr}: ${hex(BigInt(v), w)} [${flagsOf(v, name)}]`);
    const levels = pae ? ['PGD', 'PMD'] : ['PGD'];
    let next = null;
    for (const lv of levels) {
      const t = findTable(s, lv, va);
      if (!t) {
        lines.push(`  ${lv}: not present (no entry over 0x${hex(va)}): not mapped`);
        return lines.join('\n');
      }
      show(lv, t[2], t[3]);
      next = BigInt(t[3]);
      if (lv !== 'PGD' || !pae) {
        if (next & 0x80n) {
          const size = pae ? 2 << 20 : 4 << 20;
          const pa = (next & (pae ? 0x000fffffffe00000n : 0xffc00000n)) + BigInt(va % size);
          lines.push(`  large page: pa 0x${pa.toString(16)}`);
          return lines.join('\n');
        }
      }
    }
    const pte = ptes.get(va - (va % PAGE));
    const idx = BigInt(Math.floor(va / PAGE) % (pae ? 512 : 1024));
    const entry = pte ? pte[0] : '0x' + ((next & mask) + idx * BigInt(pae ? 8 : 4)).toString(16);
    const v = pte ? pte[1] : '0x0';
    show('PTE', entry, v);
    const b = BigInt(v);
    if (!(b & 1n)) lines.push('  not mapped (pte_none)');
    else lines.push(`  page 0x${(b & mask).toString(16)}, pa 0x${((b & mask) + BigInt(va % PAGE)).toString(16)}`);
    return lines.join('\n');
  }
  function showWalk(va) {
    $('vtop-input').value = '0x' + hex(va);
    $('walk').textContent = walkText(va);
    document.querySelectorAll('#pages .pg.sel').forEach((p) => p.classList.remove('sel'));
    const p = document.querySelector(`#pages .pg[data-va="0x${hex(va - (va % PAGE))}"]`);
    if (p) p.classList.add('sel');
  }

  /* ---- one step ---- */
  let selected = null; /* address of the selected area */
  function violationsOf(s) {
    return (s.checks && s.checks.details) || [];
  }
  function inside(a, va) {
    return va >= num(a.addr) && va < num(a.addr) + a.size;
  }

  function drawLane(s, viol) {
    const lane = $('lane');
    lane.textContent = '';
    const prev = cur > 0 ? STEPS[cur - 1].areas || [] : [];
    const now = new Set((s.areas || []).map((a) => a.addr + ':' + a.size));
    const drawn = [];
    for (const a of prev) {
      if (now.has(a.addr + ':' + a.size)) continue;
      const g = el('div', 'ghost');
      g.style.left = pct(num(a.addr));
      g.style.width = wpct(a.size);
      g.title = `${a.name || 'area'} 0x${a.addr.slice(2)} freed by this step`;
      lane.appendChild(g);
      drawn.push([a, g]);
    }
    for (const a of s.areas || []) {
      const d = el('div', 'area');
      d.style.left = pct(num(a.addr));
      d.style.width = wpct(a.size);
      d.dataset.addr = a.addr;
      d.title = `${a.name || '(not the script\'s)'} ${a.addr} ${a.size / PAGE - 1} pages + guard`;
      const g = el('div', 'guard');
      g.style.width = (PAGE / a.size) * 100 + '%';
      d.appendChild(g);
      d.appendChild(el('span', 'label', a.name));
      if (a.addr === selected) d.classList.add('selected');
      d.addEventListener('click', (ev) => {
        const r = d.getBoundingClientRect();
        const off = Math.min(a.size - 1, Math.floor(((ev.clientX - r.left) / r.width) * a.size));
        selectArea(a.addr);
        showWalk(num(a.addr) + off - (off % PAGE));
      });
      lane.appendChild(d);
      drawn.push([a, d]);
    }
    for (const v of viol) {
      const va = num(v.va);
      const hit = drawn.find(([a]) => inside(a, va));
      if (hit) {
        hit[1].classList.add('violated');
      } else if (va >= lo && va < hi) {
        const m = el('div', 'vmark violated');
        m.style.left = pct(va);
        m.title = `${v.rule} at 0x${hex(va)}`;
        lane.appendChild(m);
      }
    }
    const tables = $('tables');
    tables.textContent = '';
    for (const t of s.tables || []) {
      if (pae && t[0] === 'PGD') continue;
      const b = num(t[1]);
      if (b + BLOCK <= lo || b >= hi) continue;
      const v = BigInt(t[3]);
      const d = el('div', 'pt', v & 0x80n ? 'large page' : 'PT @0x' + (v & (pae ? 0x000ffffffffff000n : 0xfffff000n)).toString(16));
      d.style.left = pct(Math.max(lo, b));
      d.style.width = wpct(Math.min(hi, b + BLOCK) - Math.max(lo, b));
      d.title = `${t[0]} ${t[1]} @${t[2]} = ${t[3]} [${flagsOf(t[3], t[0])}]`;
      tables.appendChild(d);
    }
  }

  function drawAreaList(s, viol) {
    const box = $('arealist');
    box.textContent = '';
    const t = el('table');
    t.appendChild(el('tr')).append(el('th', '', 'name'), el('th', '', 'address'), el('th', '', 'pages'),
      el('th', '', 'flags'));
    for (const a of s.areas || []) {
      const r = el('tr');
      r.dataset.addr = a.addr;
      r.append(el('td', '', a.name || '-'), el('td', '', a.addr), el('td', '', `${a.size / PAGE - 1} + guard`),
        el('td', '', a.flags & 4 ? 'VM_MAP' : a.flags & 2 ? 'VM_ALLOC' : '0x' + a.flags.toString(16)));
      if (viol.some((v) => inside(a, num(v.va)))) r.classList.add('violated');
      if (a.addr === selected) r.classList.add('selected');
      r.addEventListener('click', () => selectArea(a.addr));
      t.appendChild(r);
    }
    box.appendChild(t);
  }

  const PAGES_DRAWN = 4096;
  function drawPages(s, viol) {
    const box = $('pages');
    box.textContent = '';
    const a = (s.areas || []).find((x) => x.addr === selected);
    if (!a) return;
    const base = num(a.addr), n = a.size / PAGE;
    for (let i = 0; i < n && i < PAGES_DRAWN; i++) {
      const va = base + i * PAGE;
      const p = el('div', 'pg');
      p.dataset.va = '0x' + hex(va);
      if (i === n - 1) p.classList.add('guard');
      else if (!ptes.has(va)) p.classList.add('unmapped');
      if (viol.some((v) => num(v.va) - (num(v.va) % PAGE) === va)) p.classList.add('violated');
      p.title = `0x${hex(va)}${i === n - 1 ? ' (guard)' : ''}`;
      box.appendChild(p);
    }
    if (n > PAGES_DRAWN) box.appendChild(el('span', '', ` ... ${n - PAGES_DRAWN} more pages (vtop above)`));
  }
  $('pages').addEventListener('click', (ev) => {
    if (ev.target.dataset.va) showWalk(num(ev.target.dataset.va));
  });
  function selectArea(addr) {
    selected = addr;
    const s = STEPS[cur];
    const viol = violationsOf(s);
    document.querySelectorAll('#lane .area, #arealist tr').forEach((e) =>
      e.classList.toggle('selected', e.dataset.addr === addr));
    drawPages(s, viol);
  }

  function row(tbody, cls, cells, data) {
    const r = el('tr', cls);
    for (const [k, v] of Object.entries(data || {})) r.dataset[k] = v;
    for (const [c, text] of cells) r.appendChild(el('td', c, text));
    tbody.appendChild(r);
  }

  function drawChanges(s) {
    const w = s.paging === 'PAE' ? 16 : 8;
    const body = $('changes').tBodies[0];
    body.textContent = '';
    for (const c of s.changes || [])
      row(body, 'change', [['', c.level], ['', c.va], ['', c.entry], ['old', hex(BigInt(c.old), w)],
        ['new', hex(BigInt(c.new), w)], ['', c.flags]],
      { level: c.level, va: c.va, entry: c.entry, old: c.old, new: c.new });
    if (!(s.changes || []).length) row(body, 'none', [['', 'none']]);
    const bc = $('bychecks').tBodies[0];
    bc.textContent = '';
    for (const c of s.by_checks || [])
      row(bc, 'by-check', [['', c.level], ['', c.va], ['', c.entry], ['old', hex(BigInt(c.old), w)],
        ['new', hex(BigInt(c.new), w)], ['', c.flags]]);
    if (!(s.by_checks || []).length) row(bc, 'none', [['', 'none']]);
  }

  function drawFlushes(s) {
    const body = $('flushes').tBodies[0];
    body.textContent = '';
    for (const [k, v] of Object.entries(s.tlb || {})) row(body, v ? 'nz' : '', [['', k], ['', String(v)]]);
    row(body, s.ipis ? 'nz' : '', [['', 'IPIs sent (the guest counts them)'], ['', String(s.ipis || 0)]]);
    row(body, '', [['', 'CR3'], ['', s.cr3_before === s.cr3_after ? s.cr3_after + ' (unchanged)' : `${s.cr3_before} -> ${s.cr3_after}`]]);
    row(body, '', [['', 'VM exits'], ['', String(s.vm_exits)]]);
  }

  function drawZones(s) {
    const box = $('zones');
    box.textContent = '';
    if (!s.zones) { box.textContent = 'unread'; return; }
    for (const z of s.zones) {
      const d = el('div', 'zone');
      const used = z.managed - z.free;
      d.appendChild(el('div', '', `${z.name}: ${used} of ${z.managed} pages in use, ${z.free} free`));
      const bar = el('div', 'bar'), fill = el('div');
      fill.style.width = z.managed ? (used / z.managed) * 100 + '%' : '0';
      bar.appendChild(fill);
      d.appendChild(bar);
      box.appendChild(d);
    }
  }

  function drawRules(s, viol) {
    const box = $('rules'), vbox = $('violations');
    box.textContent = '';
    vbox.textContent = '';
    if (!s.checks) { box.appendChild(el('span', 'rule off', 'checks off')); return; }
    box.appendChild(el('div', '', `${s.checks.rules} rules evaluated, ${s.checks.violations} violations`));
    for (const r of RULES) {
      const bad = viol.filter((v) => v.rule === r);
      const d = el('span', 'rule' + (bad.length ? ' violated' : ''), r);
      d.dataset.rule = r;
      d.title = bad.length ? `${bad.length} violation(s)` : 'no violation';
      box.appendChild(d);
    }
    for (const v of viol)
      vbox.appendChild(el('div', 'v', `${v.rule} at ${v.va} ${v.level || ''} entry ${v.entry}=${v.value}: ` +
        `expected ${v.expected}; found ${v.actual}`));
    if (s.checks.violations > viol.length)
      vbox.appendChild(el('div', 'v', `... and ${s.checks.violations - viol.length} more`));
  }

  function render(k) {
    if (!STEPS.length) { $('stepno').textContent = 'no operations'; return; }
    k = Math.max(0, Math.min(STEPS.length - 1, k));
    moveTo(k);
    const s = STEPS[k], viol = violationsOf(s);
    document.body.dataset.step = String(k);
    $('slider').value = String(k);
    $('stepno').textContent = `operation ${k + 1} of ${STEPS.length}`;
    $('narration').textContent = s.narration || '';
    const op = $('optext');
    op.textContent = `[${s.n}] ${s.op}`;
    op.className = s.status === 'ok' ? '' : 'failed';
    $('result').textContent = `${s.status}` + (s.value !== undefined ? ` -> ${s.value}` : '');
    drawLane(s, viol);
    drawAreaList(s, viol);
    if (selected && !(s.areas || []).some((a) => a.addr === selected)) selected = null;
    drawPages(s, viol);
    drawChanges(s);
    drawFlushes(s);
    drawZones(s);
    drawRules(s, viol);
    const obs = $('observations');
    obs.textContent = '';
    for (const o of (s.checks && s.checks.observations) || []) obs.appendChild(el('li', '', o));
    if (!obs.children.length) obs.appendChild(el('li', 'none', 'none'));
    $('guest').textContent = s.guest || '';
    const w = $('vtop-input').value;
    $('walk').textContent = w ? walkText(num(w)) : 'click a page (or an area) for its walk';
  }

  /* Slider moves coalesce into one render per frame: a long run stays smooth. */
  let pending = null;
  function go(k) {
    if (pending === null) requestAnimationFrame(() => { const p = pending; pending = null; render(p); });
    pending = k;
  }
  $('slider').addEventListener('input', (e) => go(Number(e.target.value)));
  $('first').addEventListener('click', () => render(0));
  $('prev').addEventListener('click', () => render(cur - 1));
  $('next').addEventListener('click', () => render(cur + 1));
  $('last').addEventListener('click', () => render(STEPS.length - 1));
  $('vtop-go').addEventListener('click', () => {
    const v = num($('vtop-input').value);
    if (!Number.isNaN(v)) showWalk(v);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT' && e.target.type !== 'range') return;
    const k = { ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 0, End: STEPS.length - 1 }[e.key];
    if (k !== undefined) { e.preventDefault(); render(k); }
  });
  header();
  render(0);
  document.body.dataset.ready = '1';
})();
