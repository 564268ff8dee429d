import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectEd25519,
  type Ed25519Backend,
  nobleEd25519,
  probeEd25519,
  webCryptoEd25519,
} from '../src/index.js';

const dir = join(import.meta.dirname, 'vectors', 'ed25519');
const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const rfc = JSON.parse(readFileSync(join(dir, 'rfc8032_ed25519.json'), 'utf8')) as {
  vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
};
const wycheproof = JSON.parse(readFileSync(join(dir, 'wycheproof_ed25519_test.json'), 'utf8')) as {
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
};

const backends: Ed25519Backend[] = [nobleEd25519, webCryptoEd25519(globalThis.crypto.subtle)];

describe.each(backends)('Ed25519 backend $name', (backend) => {
  it('RFC 8032 §7.1: derives each public key, reproduces each signature, verifies it', async () => {
    expect(rfc.vectors.length).toBe(5);
    for (const vector of rfc.vectors) {
      const key = await backend.signingKey(hex(vector.secretKey));
      expect(Buffer.from(key.publicKey).toString('hex')).toBe(vector.publicKey);
      const signature = await key.sign(hex(vector.message));
      expect(Buffer.from(signature).toString('hex')).toBe(vector.signature);
      expect(await backend.verify(key.publicKey, hex(vector.message), signature)).toBe(true);
    }
  });

  it('Wycheproof: all 151 cases agree with the expected result under the acceptance policy', async () => {
    let total = 0;
    const disagreements: string[] = [];
    for (const group of wycheproof.testGroups) {
      for (const test of group.tests) {
        total++;
        const accepted = await backend.verify(hex(group.publicKey.pk), hex(test.msg), hex(test.sig));
        if (accepted !== (test.result === 'valid'))
          disagreements.push(`tcId ${test.tcId} (${test.comment}): accepted=${accepted}`);
      }
    }
    console.log(`wycheproof ${backend.name}: ${total - disagreements.length}/${total}`);
    expect(total).toBe(151);
    expect(disagreements).toEqual([]);
  });
});

describe('backend choice', () => {
  it('detects WebCrypto Ed25519 in this runtime', async () => {
    expect((await detectEd25519()).name).toBe('webcrypto');
  });
  it('falls back to noble when there is no SubtleCrypto', async () => {
    expect((await probeEd25519(undefined)).name).toBe('noble');
  });
  it('falls back to noble when SubtleCrypto lacks Ed25519', async () => {
    const broken = {
      importKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')),
    } as unknown as SubtleCrypto;
    expect((await probeEd25519(broken)).name).toBe('noble');
  });
  it('falls back to noble when SubtleCrypto accepts anything', async () => {
    const lying = {
      importKey: () => Promise.resolve({}),
      verify: () => Promise.resolve(true),
      sign: () => Promise.resolve(new ArrayBuffer(64)),
    } as unknown as SubtleCrypto;
    expect((await probeEd25519(lying)).name).toBe('noble');
  });
});
