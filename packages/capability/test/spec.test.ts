/** Reads SPEC.md's constant table and checks every value against the constant the code uses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as capability from '../src/index.js';

const spec = readFileSync(join(import.meta.dirname, '..', 'SPEC.md'), 'utf8');
const section = spec.slice(spec.indexOf('## Constants'), spec.indexOf('## Token'));
const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)` *\| ([^|]+?) *\|/gm)].map(
  (m) => [m[1], m[2].trim()] as const,
);

describe('SPEC.md constants', () => {
  it('lists at least 20 constants', () => expect(rows.length).toBeGreaterThanOrEqual(20));
  it.each(rows)('%s matches the code', (name, text) => {
    const value = (capability as Record<string, unknown>)[name];
    expect(value, `${name} is exported`).toBeDefined();
    const documented = /^`[0-9a-f ]+`$/.test(text)
      ? Uint8Array.from(text.slice(1, -1).split(' '), (h) => Number.parseInt(h, 16))
      : Number(text);
    expect(value).toEqual(documented);
  });
});

describe('SPEC.md layouts', () => {
  it('a one-link token has the documented offsets', async () => {
    const world = await (await import('./_fixtures.js')).makeWorld(9);
    const token = await capability.mintToken(
      world.root,
      {
        verb: 'fs.read',
        scope: '/etc',
        notBeforeMs: 5,
        notAfterMs: 6,
        caveats: [{ kind: 'max', key: 'bytes', limit: 7 }],
      },
      world.keys[0].publicKey,
      world.options,
    );
    expect([...token.subarray(0, 4)]).toEqual([0x4e, 0x58, 0x43, 0x54]);
    expect(token[4]).toBe(1);
    expect(token[5]).toBe(1);
    expect(token.subarray(6, 38)).toEqual(world.root.publicKey);
    const bodyLength = (token[38] << 8) | token[39];
    const body = token.subarray(40, 40 + bodyLength);
    expect(body.subarray(16, 48)).toEqual(world.keys[0].publicKey);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(48 + 4)).toBe(5);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(56 + 4)).toBe(6);
    expect(body[64]).toBe(7);
    expect(new TextDecoder().decode(body.subarray(65, 72))).toBe('fs.read');
    expect((body[72] << 8) | body[73]).toBe(4);
    expect(new TextDecoder().decode(body.subarray(74, 78))).toBe('/etc');
    expect(body[78]).toBe(1);
    expect([...body.subarray(79, 81)]).toEqual([1, 5]);
    expect(new TextDecoder().decode(body.subarray(81, 86))).toBe('bytes');
    expect(body.length).toBe(86 + 8);
    expect(token.length).toBe(40 + bodyLength + 64);
    // Revocation id = first 16 bytes of SHA-256(rootDigest ‖ body ‖ signature).
    const digest = capability.linkDigest(
      capability.rootDigest(world.root.publicKey),
      body,
      token.subarray(40 + bodyLength),
    );
    expect(capability.revocationIds(token)[0]).toEqual(digest.subarray(0, 16));
  });

  it('a ledger entry has the documented offsets', () => {
    const bytes = capability.encodeEntry({ seq: 2, kind: 'deny', subject: 'ab', detail: 'xyz', atMs: 9 });
    expect([...bytes.subarray(0, 6)]).toEqual([0x4e, 0x58, 0x4c, 0x45, 1, 5]);
    expect(bytes[13]).toBe(2);
    expect(bytes[21]).toBe(9);
    expect((bytes[22] << 8) | bytes[23]).toBe(2);
    expect((bytes[26] << 8) | bytes[27]).toBe(3);
    expect(bytes.length).toBe(26 + 2 + 3);
  });
});
