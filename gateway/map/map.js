// The map page's script (plain browser JavaScript, no dependency): asks the hub's GraphQL endpoint for the
// phase's GeoJSON and one figure of every territory's panier, draws SVG paths, colours them by quantile class.
'use strict';

const ENDPOINT = '/graphql';
const SVG_NS = 'http://www.w3.org/2000/svg';
// Overseas regions (INSEE codes) drawn in insets on the left, as French maps do.
const INSETS = { '01': 'Guadeloupe', '02': 'Martinique', '03': 'Guyane', '04': 'La Réunion', '06': 'Mayotte' };
const PALETTE = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const NO_DATA = '#d9d9d9';
const OPERATORS = [
  ['financing', 'Bpifrance'],
  ['recruitment', 'France Travail'],
  ['attractiveness', 'Business France'],
  ['engineering', 'Banque des Territoires'],
];

/** Figures offered by the page: the selection to ask for, how to read the value, and where it comes from. */
const FIGURES = [
  {
    id: 'jobSeekers',
    label: "Demandeurs d'emploi (décembre 2024)",
    nature: 'REAL (France Travail), somme DERIVED sur les communes couvertes',
    selection: 'recruitment { jobSeekersLatest { value } }',
    value: (t) => t.recruitment?.jobSeekersLatest?.value ?? null,
  },
  {
    id: 'hiringNeeds',
    label: 'Projets de recrutement (BMO 2024)',
    nature: "REAL (France Travail, enquête BMO 2024), sommés sur les bassins d'emploi du territoire",
    selection: 'recruitment { hiringNeeds { total { projects { value } } } }',
    value: (t) => t.recruitment?.hiringNeeds?.total.projects.value ?? null,
  },
  {
    id: 'hiringNeedsIndustrial',
    label: 'Projets de recrutement, métiers industriels (BMO 2024)',
    nature: "REAL (France Travail, enquête BMO 2024), sommés sur les bassins d'emploi du territoire",
    selection: 'recruitment { hiringNeeds { industrial { projects { value } } } }',
    value: (t) => t.recruitment?.hiringNeeds?.industrial.projects.value ?? null,
  },
  ...OPERATORS.map(([slice, name]) => ({
    id: `${slice}Records`,
    label: `Enregistrements — ${name}`,
    nature: 'SAMPLE (échantillon) et enregistrements déclarés par l’opérateur',
    selection: `${slice} { summary { recordCount } }`,
    value: (t) => t[slice]?.summary?.recordCount ?? null,
  })),
  ...OPERATORS.filter(([slice]) => slice !== 'recruitment').map(([slice, name]) => ({
    id: `${slice}Euros`,
    label: `Euros — ${name}`,
    nature: 'SAMPLE (échantillon) et enregistrements déclarés par l’opérateur',
    selection: `${slice} { summary { amountEur } }`,
    value: (t) => t[slice]?.summary?.amountEur ?? null,
  })),
];

const state = { phase: 'PHASE_2023_2027', figure: FIGURES[0], map: null, values: new Map(), classes: [] };
const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

async function graphql(query, variables) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

// ---- projection: equirectangular scaled by cos(latitude), each group fitted into its own box ----
function eachPosition(geometry, visit) {
  if (!geometry) return;
  const walk = (c, depth) => (depth === 0 ? visit(c) : c.forEach((x) => walk(x, depth - 1)));
  const depth = { Point: 0, MultiPoint: 1, LineString: 1, Polygon: 2, MultiLineString: 2, MultiPolygon: 3 };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => eachPosition(g, visit));
  else walk(geometry.coordinates, depth[geometry.type]);
}

function fit(features, box) {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features)
    eachPosition(f.geometry, ([x, y]) => {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    });
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const scale = Math.min(box.width / ((e - w) * k || 1), box.height / (n - s || 1));
  const dx = box.x + (box.width - (e - w) * k * scale) / 2;
  const dy = box.y + (box.height - (n - s) * scale) / 2;
  return ([x, y]) => [dx + (x - w) * k * scale, dy + (n - y) * scale];
}

function pathOf(geometry, project) {
  const parts = [];
  const ring = (r) =>
    parts.push(
      'M' +
        r
          .map((p) =>
            project(p)
              .map((v) => v.toFixed(1))
              .join(','),
          )
          .join('L') +
        'Z',
    );
  const points = [];
  const draw = (g) => {
    if (g.type === 'Polygon') g.coordinates.forEach(ring);
    else if (g.type === 'MultiPolygon') g.coordinates.forEach((poly) => poly.forEach(ring));
    else if (g.type === 'Point') points.push(project(g.coordinates));
    else if (g.type === 'MultiPoint') g.coordinates.forEach((p) => points.push(project(p)));
    else if (g.type === 'GeometryCollection') g.geometries.forEach(draw);
  };
  if (geometry) draw(geometry);
  // Territories ANCT publishes as points only: small discs, so every territory can be seen and clicked.
  for (const [x, y] of points)
    parts.push(`M${(x - 2.5).toFixed(1)},${y.toFixed(1)}a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0Z`);
  return parts.join('');
}

function draw() {
  const svg = $('map');
  svg.replaceChildren();
  const features = state.map.features;
  const groups = new Map([['metro', []]]);
  for (const f of features) {
    const key = INSETS[f.properties.region] ? f.properties.region : 'metro';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const insetKeys = [...groups.keys()].filter((k) => k !== 'metro').sort();
  const boxes = new Map([['metro', { x: 190, y: 10, width: 800, height: 880 }]]);
  insetKeys.forEach((k, i) => boxes.set(k, { x: 10, y: 10 + i * 175, width: 160, height: 150 }));
  for (const [key, list] of groups) {
    if (!list.length) continue;
    const box = boxes.get(key);
    if (key !== 'metro') {
      const frame = document.createElementNS(SVG_NS, 'rect');
      for (const [a, v] of Object.entries({
        x: box.x - 4,
        y: box.y - 4,
        width: box.width + 8,
        height: box.height + 18,
      }))
        frame.setAttribute(a, v);
      frame.setAttribute('class', 'inset');
      svg.append(frame);
      const label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('x', box.x);
      label.setAttribute('y', box.y + box.height + 10);
      label.setAttribute('class', 'inset-label');
      label.textContent = INSETS[key];
      svg.append(label);
    }
    const project = fit(list, box);
    for (const f of list) {
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('d', pathOf(f.geometry, project));
      path.setAttribute('class', 'territory');
      path.dataset.id = f.properties.id;
      path.dataset.name = f.properties.name;
      const title = document.createElementNS(SVG_NS, 'title');
      title.textContent = f.properties.name;
      path.append(title);
      path.addEventListener('click', () => openPanier(f.properties.id, path));
      svg.append(path);
    }
  }
  colour();
}

// ---- colours: five quantile classes of the non-null values, grey for no data ----
function classesOf(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const bounds = [];
  for (let i = 1; i < PALETTE.length; i++) bounds.push(sorted[Math.floor((i * sorted.length) / PALETTE.length)]);
  const edges = [...new Set([sorted[0], ...bounds, sorted[sorted.length - 1]])];
  const classes = [];
  for (let i = 0; i < edges.length - 1; i++) classes.push({ min: edges[i], max: edges[i + 1] });
  if (!classes.length) classes.push({ min: sorted[0], max: sorted[0] });
  const step = (PALETTE.length - 1) / Math.max(1, classes.length - 1);
  return classes.map((c, i) => ({ ...c, colour: PALETTE[Math.round(i * step)] }));
}

const classOf = (value) =>
  value === null || value === undefined
    ? null
    : state.classes.find((c, i) => value >= c.min && (value < c.max || i === state.classes.length - 1));

function colour() {
  for (const path of document.querySelectorAll('#map .territory')) {
    const value = state.values.get(path.dataset.id) ?? null;
    path.dataset.value = value === null ? '' : String(value);
    path.setAttribute('fill', classOf(value)?.colour ?? NO_DATA);
  }
  const legend = $('legend');
  legend.replaceChildren();
  const h2 = document.createElement('h2');
  h2.textContent = state.figure.label;
  const nature = document.createElement('p');
  nature.className = 'nature';
  nature.textContent = state.figure.nature;
  const ul = document.createElement('ul');
  const item = (colour, text, attrs) => {
    const li = document.createElement('li');
    Object.assign(li.dataset, attrs);
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour;
    li.append(swatch, document.createTextNode(text));
    ul.append(li);
  };
  for (const c of state.classes)
    item(c.colour, `${number.format(c.min)} – ${number.format(c.max)}`, { colour: c.colour, min: c.min, max: c.max });
  const missing = [...state.values.values()].filter((v) => v === null).length;
  if (missing) item(NO_DATA, `pas de donnée (${missing})`, { colour: NO_DATA, min: '', max: '' });
  legend.append(h2, nature, ul);
}

async function loadFigure() {
  const figure = state.figure;
  const data = await graphql(
    `query MapFigure($phase: Phase!) { territories(phase: $phase, first: 200) { totalCount nodes { id ${figure.selection} } } }`,
    { phase: state.phase },
  );
  state.values = new Map(data.territories.nodes.map((t) => [t.id, figure.value(t)]));
  state.classes = classesOf([...state.values.values()]);
}

async function refresh({ geometry }) {
  $('status').textContent = 'Chargement…';
  try {
    if (geometry) {
      const data = await graphql('query MapShapes($phase: Phase!) { territoryMap(phase: $phase) }', {
        phase: state.phase,
      });
      state.map = data.territoryMap;
    }
    await loadFigure();
    if (geometry) draw();
    else colour();
    $('status').textContent = `${state.map.features.length} territoires`;
    document.body.dataset.ready = `${state.phase}/${state.figure.id}`;
  } catch (error) {
    $('status').textContent = `Erreur : ${error.message}`;
  }
}

// ---- the territory's panier, on click ----
const PANIER = `query MapPanier($id: ID!) {
  territory(id: $id) {
    id name population
    recruitment {
      jobSeekersLatest { month value }
      hiringNeeds { total { projects { value withheld } } industrial { projects { value withheld } } }
      summary { ...S }
    }
    financing { summary { ...S } }
    attractiveness { summary { ...S } }
    engineering { summary { ...S } }
  }
}
fragment S on PanierSummary { operator mobilised serviceCount recordCount amountEur }`;

async function openPanier(id, path) {
  document.querySelectorAll('#map .territory.selected').forEach((p) => p.classList.remove('selected'));
  path.classList.add('selected');
  const panel = $('panel');
  panel.textContent = 'Chargement du panier…';
  try {
    const { territory: t } = await graphql(PANIER, { id });
    const rows = OPERATORS.map(([slice, name]) => {
      const s = t[slice]?.summary;
      return `<tr data-operator="${s?.operator ?? ''}"><td>${name}</td><td>${s ? s.serviceCount : '—'}</td><td>${
        s ? number.format(s.recordCount) : '—'
      }</td><td>${s?.amountEur != null ? number.format(s.amountEur) + ' €' : '—'}</td></tr>`;
    }).join('');
    const seekers = t.recruitment?.jobSeekersLatest;
    const needs = t.recruitment?.hiringNeeds;
    const projects = (f) =>
      f.value === null ? 'secret statistique' : (f.withheld ? 'au moins ' : '') + number.format(f.value);
    panel.innerHTML = `<h2></h2><p class="meta"></p>
      <table><thead><tr><th>Opérateur</th><th>Services</th><th>Enreg.</th><th>Montant</th></tr></thead><tbody>${rows}</tbody></table>
      <p class="hint">Enregistrements et montants : données d'échantillon (SAMPLE) et déclarées par les opérateurs.</p>`;
    panel.querySelector('h2').textContent = t.name;
    panel.querySelector('.meta').textContent =
      `${t.id} · ${number.format(t.population)} habitants` +
      (seekers ? ` · ${number.format(seekers.value)} demandeurs d'emploi (${seekers.month})` : '') +
      (needs
        ? ` · ${projects(needs.total.projects)} projets de recrutement en 2024, dont ${projects(needs.industrial.projects)} dans les métiers industriels (BMO)`
        : '');
    panel.dataset.territory = t.id;
  } catch (error) {
    panel.textContent = `Erreur : ${error.message}`;
  }
}

function init() {
  const select = $('figure');
  for (const f of FIGURES) select.append(new Option(f.label, f.id));
  select.addEventListener('change', () => {
    state.figure = FIGURES.find((f) => f.id === select.value);
    refresh({ geometry: false });
  });
  $('phase').addEventListener('change', (e) => {
    state.phase = e.target.value;
    refresh({ geometry: true });
  });
  const params = new URLSearchParams(location.search);
  if (params.get('phase')) $('phase').value = state.phase = params.get('phase');
  if (FIGURES.some((f) => f.id === params.get('figure'))) {
    select.value = params.get('figure');
    state.figure = FIGURES.find((f) => f.id === select.value);
  }
  refresh({ geometry: true });
}

init();
