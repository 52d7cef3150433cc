// The days a contract is in force (migration 025 contract_in_force), by hand: a renewal signed weeks before the old
// contract runs out keeps the old one in force to its last day, and every day of its past; an early end takes
// effect on its day. Read through contract_team_on, which coverage, attribution and the indicators join.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { buildContract, buildResident, buildTeam } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`contracts in force on a day [${engine}]`, () => {
    let t: TestDb;
    before(async () => { t = await openTestDb(engine); });
    after(() => t.close());

    test('renewed early: the old contract to its last day and in its past, then the new one; ended early: until the day before its end', async () => {
      const team = await buildTeam(t.db);
      const a = await buildResident(t.db);
      const b = await buildResident(t.db);
      // A: 2024 contract renewed (recorded 15 Nov 2024, so ended with reason 'renewed' on its last day); 2025 contract from 1 Jan
      const old = await buildContract(t.db, { residentId: a.id, teamId: team.id, startsOn: '2024-01-01', endsOn: '2024-12-31', status: 'ended', endedReason: 'renewed', endedOn: '2024-12-31' });
      const next = await buildContract(t.db, { residentId: a.id, teamId: team.id, startsOn: '2025-01-01', endsOn: '2025-12-31', status: 'renewed', previousId: old.id });
      // B: signed for 2024, ended early on 1 June 2024 (moved away)
      const early = await buildContract(t.db, { residentId: b.id, teamId: team.id, startsOn: '2024-01-01', endsOn: '2024-12-31', status: 'ended', endedReason: 'moved', endedOn: '2024-06-01' });
      const on = async (day: string) => Object.fromEntries((await t.db.query<{ resident_id: string; contract_id: string }>(
        'SELECT resident_id, contract_id FROM contract_team_on($1::date) WHERE resident_id = ANY($2::uuid[])', [day, [a.id, b.id]])).map((x) => [x.resident_id, x.contract_id]));
      // [day, A's contract in force, B's] — from the rule, written before running it
      const rows: [string, string | undefined, string | undefined][] = [
        ['2023-12-31', undefined, undefined],
        ['2024-03-15', old.id, early.id],
        ['2024-05-31', old.id, early.id],
        ['2024-06-01', old.id, undefined], // the early end takes effect on its day
        ['2024-11-20', old.id, undefined], // after the renewal was signed, before the old contract ran out
        ['2024-12-31', old.id, undefined],
        ['2025-01-01', next.id, undefined],
        ['2026-01-01', undefined, undefined],
      ];
      for (const [day, wantA, wantB] of rows) {
        const got = await on(day);
        assert.deepEqual([got[a.id], got[b.id]], [wantA, wantB], day);
      }
    });
  });
}
