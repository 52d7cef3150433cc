// The demo's deterministic ids. The demo builds rows and hands them to each table's owner, whose bulk
// loader writes them (src/platform/bulk.ts: batched INSERT … unnest, COPY through ownedCopy).

/** A version-4-shaped UUID from a random source (deterministic when the source is). */
export function uuidFrom(next: () => number): string {
  const h: string[] = [];
  for (let i = 0; i < 4; i++) h.push(Math.floor(next() * 0x100000000).toString(16).padStart(8, '0'));
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${'89ab'[parseInt(s[16], 16) & 3]}${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
