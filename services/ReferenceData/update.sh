#!/usr/bin/env bash
# Regenerates the reference data from the public npm packages (run by hand when they change; the output is committed):
#   @socialgouv/codes-naf (Apache-2.0): the NAF rév. 2 nomenclature (INSEE)
#   @etalab/decoupage-administratif (MIT; data: INSEE Code officiel géographique and the DGCL's EPCI membership,
#   Licence Ouverte 2.0): communes with their département, région, EPCI (epci.json) and population; the EPCI list
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @socialgouv/codes-naf@1.1.1 @etalab/decoupage-administratif@6.0.0 >/dev/null
mkdir naf geo
tar xzf socialgouv-codes-naf-*.tgz -C naf
tar xzf etalab-decoupage-administratif-*.tgz -C geo
node - "$here" <<'JS'
const fs = require('fs');
const out = process.argv[2];
const naf = require('./naf/package/index.json')
  .filter(e => /^\d\d\.\d\d[A-Z]$/.test(e.id))
  .map(e => `${e.id};${e.label.replace(/;/g, ',')}`);
fs.writeFileSync(`${out}/naf.csv`, 'code;label\n' + naf.join('\n') + '\n');
const epcis = require('./geo/package/data/epci.json');
const epciOf = new Map(epcis.flatMap(e => e.membres.map(m => [m.code, e.code])));
fs.writeFileSync(`${out}/epci.csv`, 'code;name;type\n' + epcis.map(e => `${e.code};${e.nom.replace(/;/g, ',')};${e.type}`).join('\n') + '\n');
const communes = require('./geo/package/data/communes.json')
  .filter(c => c.type === 'commune-actuelle')
  .map(c => `${c.code};${c.nom.replace(/;/g, ',')};${c.departement};${c.region};${epciOf.get(c.code) ?? ''};${c.population ?? 0}`);
fs.writeFileSync(`${out}/communes.csv`, 'code;name;departement;region;epci;population\n' + communes.join('\n') + '\n');
console.log(`naf: ${naf.length} codes, communes: ${communes.length}, epci: ${epcis.length}`);
JS
# Every commune of the new list needs a position and its postcodes (FrenchPlaces refuses to load without them).
"$here/update-positions.sh"
