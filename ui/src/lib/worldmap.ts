// The home screen's map of the SCO region, drawn offline from Natural Earth's 1:110m
// countries (the `world-atlas` package's TopoJSON, the one file of boundary data: swap it for
// another depiction, e.g. a point-of-view variant, without touching the rest). Countries are
// keyed by ISO 3166-1 alpha-2, as the catalog names them.
import { geoAzimuthalEqualArea, geoCentroid, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';

/** Where the boundary data comes from, for the credits under the map. */
export const MAP_SOURCE = 'Natural Earth 1:110m (world-atlas 2.0.2)';

export type Status = 'member' | 'observer' | 'partner';

/** The SCO's member states, observers and dialogue partners (2025). */
export const STATUS: Readonly<Record<string, Status>> = {
  CN: 'member', RU: 'member', KZ: 'member', KG: 'member', TJ: 'member', UZ: 'member',
  IN: 'member', PK: 'member', IR: 'member', BY: 'member',
  AF: 'observer', MN: 'observer',
  AM: 'partner', AZ: 'partner', KH: 'partner', NP: 'partner', TR: 'partner', LK: 'partner',
  EG: 'partner', QA: 'partner', SA: 'partner', KW: 'partner', AE: 'partner', MM: 'partner',
  MV: 'partner', BH: 'partner', LA: 'partner',
};

/** ISO 3166-1 numeric (Natural Earth's ids) to alpha-2, for the countries of the region. */
const ALPHA2: Readonly<Record<string, string>> = {
  '156': 'CN', '643': 'RU', '398': 'KZ', '860': 'UZ', '417': 'KG', '762': 'TJ', '356': 'IN',
  '586': 'PK', '364': 'IR', '112': 'BY', '496': 'MN', '004': 'AF', '795': 'TM', '031': 'AZ',
  '051': 'AM', '792': 'TR', '116': 'KH', '524': 'NP', '144': 'LK', '104': 'MM', '418': 'LA',
  '682': 'SA', '784': 'AE', '634': 'QA', '818': 'EG', '414': 'KW', '048': 'BH', '462': 'MV',
  '268': 'GE', '804': 'UA', '368': 'IQ', '760': 'SY', '400': 'JO', '887': 'YE', '512': 'OM',
  '050': 'BD', '064': 'BT', '764': 'TH', '704': 'VN', '408': 'KP', '410': 'KR', '392': 'JP',
  // Taiwan is shaded as part of China, as the venue's country depicts it.
  '158': 'CN', '458': 'MY', '360': 'ID', '616': 'PL', '440': 'LT', '428': 'LV', '233': 'EE',
  '246': 'FI', '498': 'MD', '642': 'RO', '100': 'BG', '300': 'GR', '196': 'CY', '376': 'IL',
  '422': 'LB', '729': 'SD', '434': 'LY', '231': 'ET', '232': 'ER', '262': 'DJ', '706': 'SO',
  '578': 'NO', '752': 'SE', '276': 'DE', '203': 'CZ', '703': 'SK', '348': 'HU',
};

/** Points for small countries whose shape is missing at this scale or too small to find. */
const POINTS: Readonly<Record<string, [number, number]>> = {
  BH: [50.55, 26.07],
  MV: [73.5, 3.2],
  QA: [51.2, 25.3],
  KW: [47.6, 29.3],
  AM: [44.9, 40.2],
};

export interface Shape {
  code: string | null;
  path: string;
}

export interface RegionMap {
  width: number;
  height: number;
  shapes: Shape[];
  /** A country's centre on the map, in map units. */
  centre(code: string): [number, number] | null;
  /** A place (degrees east, degrees north) on the map, or null when it is off it. */
  project(lon: number, lat: number): [number, number] | null;
}

/** The region's map fitted to `width` × `height`. */
export function regionMap(width: number, height: number): RegionMap {
  const topology = atlas as unknown as Topology<{ countries: GeometryCollection }>;
  const all = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const codeOf = (f: Feature): string | null => ALPHA2[String(f.id)] ?? null;
  // Fitted to the members and observers (the region a visitor knows), centred on Central Asia.
  const core: FeatureCollection = {
    type: 'FeatureCollection',
    features: all.features.filter((f) => {
      const code = codeOf(f);
      return code !== null && (STATUS[code] === 'member' || STATUS[code] === 'observer') && code !== 'RU';
    }),
  };
  const projection = geoAzimuthalEqualArea()
    .rotate([-78, -42])
    .fitExtent(
      [
        [width * 0.03, height * 0.1],
        [width * 0.97, height * 0.97],
      ],
      core,
    );
  const path = geoPath(projection);
  const shapes: Shape[] = [];
  const centres = new Map<string, [number, number]>();
  for (const f of all.features) {
    const d = path(f);
    if (!d) continue;
    const code = codeOf(f);
    shapes.push({ code, path: d });
    if (code) {
      const at = projection(geoCentroid(f));
      if (at) centres.set(code, [at[0], at[1]]);
    }
  }
  // Russia's centroid lies far in Siberia; its people and goods are west of the Urals.
  const fixed: Record<string, [number, number]> = { ...POINTS, RU: [60, 57], IN: [78.5, 22], CN: [103, 34] };
  for (const [code, lonLat] of Object.entries(fixed)) {
    const at = projection(lonLat);
    if (at) centres.set(code, [at[0], at[1]]);
  }
  return {
    width,
    height,
    shapes,
    centre: (code) => centres.get(code) ?? null,
    project: (lon, lat) => {
      const at = projection([lon, lat]);
      if (!at || at[0] < 0 || at[0] > width || at[1] < 0 || at[1] > height) return null;
      return [at[0], at[1]];
    },
  };
}

/** Marks moved apart, each as little as it takes, until no two touch targets overlap (each
 *  pair at least the sum of their target radii apart), kept inside `width` × `height`.
 *  Neighbours as close as Armenia and Azerbaijan get two targets a finger can tell apart;
 *  a mark with room keeps its place. */
export function spread(
  marks: readonly { x: number; y: number; hit: number }[],
  width: number,
  height: number,
): [number, number][] {
  const at = marks.map((m): [number, number] => [m.x, m.y]);
  const inside = (i: number) => {
    const h = marks[i]!.hit;
    at[i]![0] = Math.min(width - h, Math.max(h, at[i]![0]));
    at[i]![1] = Math.min(height - h, Math.max(h, at[i]![1]));
  };
  for (let round = 0; round < 200; round++) {
    let moved = false;
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const need = marks[i]!.hit + marks[j]!.hit;
        const a = at[i]!;
        const b = at[j]!;
        let dx = b[0] - a[0];
        let dy = b[1] - a[1];
        let d = Math.hypot(dx, dy);
        if (d >= need) continue;
        // Two marks on one spot go side by side.
        if (d < 1e-6) [dx, dy, d] = [1, 0, 1];
        const push = (need - d) / 2 + 0.05;
        a[0] -= (dx / d) * push;
        a[1] -= (dy / d) * push;
        b[0] += (dx / d) * push;
        b[1] += (dy / d) * push;
        inside(i);
        inside(j);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return at;
}

export interface Placed {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

/** Labels next to their dots without overlapping one another: each takes the first of
 *  below, above, right, left that does not collide with a label placed before it (the
 *  larger countries first). `width` estimates a label's width from its text. */
export function placeLabels(
  dots: { key: string; x: number; y: number; r: number; text: string }[],
  charWidth: number,
  lineHeight: number,
): Map<string, Placed> {
  const boxes: [number, number, number, number][] = dots.map((d) => [d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r]);
  const out = new Map<string, Placed>();
  // A label never covers its own dot (each place starts past the dot's edge).
  const collides = (b: [number, number, number, number]) =>
    boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);
  for (const d of dots) {
    const w = [...d.text].length * charWidth;
    const tries: Placed[] = [
      { x: d.x, y: d.y + d.r + lineHeight, anchor: 'middle' },
      { x: d.x, y: d.y - d.r - lineHeight * 0.35, anchor: 'middle' },
      { x: d.x + d.r + 4, y: d.y + lineHeight * 0.35, anchor: 'start' },
      { x: d.x - d.r - 4, y: d.y + lineHeight * 0.35, anchor: 'end' },
    ];
    const boxOf = (p: Placed): [number, number, number, number] => {
      const left = p.anchor === 'middle' ? p.x - w / 2 : p.anchor === 'start' ? p.x : p.x - w;
      return [left, p.y - lineHeight * 0.8, left + w, p.y + lineHeight * 0.2];
    };
    const placed = tries.find((p) => !collides(boxOf(p))) ?? tries[0]!;
    out.set(d.key, placed);
    boxes.push(boxOf(placed));
  }
  return out;
}
