// The demo county's vaccinations: every child under 7 has the doses of the national schedule given
// as they came due (by the version in force on the day: the 2021 edition, the DTaP change from
// 2025), most within a few weeks of the dose's age, some months late, a few missed — coverage in the
// mid-90s as China reports for the programme — written to the record as doses of the township's
// centre; and each township centre holds a lot of every programme vaccine.
import type { Db } from '../../platform/db.ts';
import { loadImmunisations } from '../records/bulk.ts';
import { loadLots } from '../publichealth/bulk.ts';
import { rng as makeRng } from './rng.ts';
import { addDays, today } from '../../shared/time.ts';
import { addSpan } from '../publichealth/rules.ts';
import { VACCINE_CODES, versionOn } from '../publichealth/schedule.ts';

interface Kid { id: string; birth_date: string; village_code: string }

/** Loads the children's doses and the centres' lots; answers the number of doses. */
export async function seedImmunisation(db: Db, o: { county: string; seed: number }): Promise<{ doses: number; lots: number }> {
  const day = today();
  const r = makeRng(o.seed * 7 + 18);
  const kids = await db.query<Kid>(
    `SELECT id, birth_date::text AS birth_date, village_code FROM residents
      WHERE county_code = $1 AND merged_into IS NULL AND death_date IS NULL AND birth_date > $2::date AND birth_date <= $3::date ORDER BY id`, [o.county, addSpan(day, { years: -7 }), day]);
  const centres = await db.query<{ id: string; region_code: string }>(
    "SELECT id, region_code FROM facilities WHERE tier = 'township' AND region_code LIKE $1 || '%' AND kind <> 'community_centre' ORDER BY code", [o.county]);
  const centreOf = new Map(centres.map((c) => [c.region_code.slice(0, 9), c.id]));
  const doses: { resident: string; vaccine: string; dose: number; on: string; facility: string | null }[] = [];
  for (const k of kids) {
    const facility = centreOf.get(k.village_code.slice(0, 9)) ?? null;
    // Doses scheduled for the same day are given on the same visit, so live vaccines stay together.
    const visit = new Map<string, number>();
    const delayFor = (sched: string) => {
      if (!visit.has(sched)) {
        const x = r.next();
        visit.set(sched, sched === k.birth_date ? (x < 0.95 ? 0 : r.int(1, 20)) : x < 0.85 ? r.int(0, 20) : x < 0.97 ? r.int(30, 90) : r.int(90, 300));
      }
      return visit.get(sched)!;
    };
    for (const s of versionOn(day).series) {
      let prev: string | null = null;
      let first: string | null = null;
      for (let i = 0; i < s.doses.length; i++) {
        if (r.next() < 0.015) break; // missed, and the series left there
        // The dose's rule by the version in force when it would be given.
        let rule = s.doses[i];
        let on = '';
        for (let pass = 0; pass < 2; pass++) {
          const sched = addSpan(k.birth_date, rule.age);
          const earliest = [sched, prev ? addSpan(prev, rule.minInterval) : sched, first && rule.minFromFirst ? addSpan(first, rule.minFromFirst) : sched].sort().at(-1)!;
          on = addDays(earliest, delayFor(sched));
          const then = versionOn(on).series.find((x) => x.code === s.code)?.doses[i];
          if (!then || JSON.stringify(then) === JSON.stringify(rule)) break;
          rule = then;
        }
        if (on > day) break;
        doses.push({ resident: k.id, vaccine: rule.products[0], dose: i + 1, on, facility });
        prev = on;
        first ??= on;
      }
    }
  }
  const expires = addDays(day, 365);
  const lots = centres.flatMap((c) => VACCINE_CODES.map((v) => ({ facility: c.id, vaccine: v, lot: `DEMO-${v}-${day.slice(0, 4)}` })));
  await db.tx(async (q) => {
    await loadImmunisations(q, doses.map((d) => ({ residentId: d.resident, vaccine: d.vaccine, doseNumber: d.dose, givenOn: d.on, facilityId: d.facility, sourceSystem: 'demo' })));
    await loadLots(q, lots.map((l) => ({ facilityId: l.facility, vaccine: l.vaccine, manufacturer: '演示生物制品公司', lot: l.lot, expiresOn: expires, quantity: 200 })));
  });
  return { doses: doses.length, lots: lots.length };
}
