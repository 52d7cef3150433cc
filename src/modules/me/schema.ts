// The resident's home page shape (zod).
import { z } from 'zod';
import { RequestOut } from '../contracts/schema.ts';

export const HomeOut = z.object({
  name: z.string(),
  followUps: z.array(z.object({ programme: z.string(), lastVisit: z.string().nullable(), nextVisit: z.string().nullable(), overdue: z.boolean() })),
  elderly: z.object({ age: z.number(), year: z.number(), status: z.enum(['done', 'due', 'overdue']), servedOn: z.string().nullable() }).nullable(),
  bookings: z.array(z.object({ id: z.string(), startsAt: z.string(), facilityName: z.string(), scheduleName: z.string() })),
  team: z.object({
    basis: z.enum(['contract', 'village']),
    team: z.object({ id: z.string(), name: z.string(), facilityName: z.string(), phone: z.string().nullable(), members: z.array(z.object({ name: z.string(), role: z.string() })) }),
    contract: z.object({ id: z.string(), startsOn: z.string(), endsOn: z.string(), packages: z.array(z.string()) }).nullable(),
  }).nullable(),
  /** The latest online contract request, open or answered in the last 30 days (the team's answer is the resident's message). */
  contractRequest: RequestOut.nullable(),
});
export type HomeOut = z.infer<typeof HomeOut>;
