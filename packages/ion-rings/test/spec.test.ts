import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FRAME_ALIGNMENT,
  FRAME_HEADER_BYTES,
  HEADER_BYTES,
  Kind,
  LAYOUT_VERSION,
  MAX_FRAME_TYPE,
  Offset,
  PADDING_TYPE,
  RECORD_BLOCK_HEADER_BYTES,
  RECORD_BLOCK_TYPE,
  REQUEST_HEADER_BYTES,
  RESERVED_TYPE_MIN,
  RESPONSE_HEADER_BYTES,
  RING_MAGIC,
  SERVICE_ABI_VERSION,
  ServiceFrame,
  ServiceStatus,
  State,
} from '../src/index.js';

const spec = readFileSync(new URL('../SPEC.md', import.meta.url), 'utf8');

/** Rows of the markdown table under `## heading` or `### heading`, as arrays of cells. */
function table(heading: string): string[][] {
  const start = spec.search(new RegExp(`^#{2,3} ${heading}( \\(.*\\))?$`, 'm'));
  expect(start, `SPEC.md has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of spec.slice(start).split('\n').slice(1)) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (!cells[0].startsWith('-')) rows.push(cells);
    } else if (inTable) break;
  }
  return rows.slice(1);
}

describe('SPEC.md tables match the code', () => {
  it('shared header offsets and widths', () => {
    const rows = table('Shared header').filter((r) => r[2] !== 'reserved');
    const offsets = Object.fromEntries(rows.map((r) => [r[2], Number(r[0])]));
    expect(offsets).toEqual(Offset);
    for (const r of rows) expect(r[1]).toBe('4');
    expect(spec).toContain(`\`0x${RING_MAGIC.toString(16).toUpperCase()}\``);
    const reserved = table('Shared header').filter((r) => r[2] === 'reserved');
    const last = reserved[reserved.length - 1];
    expect(Number(last[0]) + Number(last[1])).toBe(HEADER_BYTES);
    expect(rows.find((r) => r[2] === 'layoutVersion')?.[5]).toContain(`\`${LAYOUT_VERSION}\``);
  });

  it('kinds and state bits', () => {
    expect(Object.fromEntries(table('Kinds').map((r) => [r[1], Number(r[0])]))).toEqual(Kind);
    expect(
      Object.fromEntries(table('State word').map((r) => [r[1], Number(r[0].match(/value (\d+)/)![1])])),
    ).toEqual(State);
  });

  it('frame header', () => {
    const rows = table('Frames');
    expect(rows.map((r) => [r[2], Number(r[0]), r[1]])).toEqual([
      ['length', 0, '4'],
      ['type', 4, '4'],
      ['payload', FRAME_HEADER_BYTES, 'length - 8'],
    ]);
    expect(rows[1][3]).toContain(`${PADDING_TYPE} is padding`);
    expect(rows[1][3]).toContain(`0x${RECORD_BLOCK_TYPE.toString(16).toUpperCase()} is a record block`);
    expect(RESERVED_TYPE_MIN).toBe(2 ** 31);
    expect(spec).toContain(`FRAME_ALIGNMENT = ${FRAME_ALIGNMENT}`);
  });

  it('record block header', () => {
    const rows = table('Record blocks');
    expect(rows.map((r) => [r[2], Number(r[0])])).toEqual([
      ['length', 0],
      ['type', 4],
      ['recordType', FRAME_HEADER_BYTES],
      ['recordBytes', FRAME_HEADER_BYTES + 4],
      ['records', FRAME_HEADER_BYTES + RECORD_BLOCK_HEADER_BYTES],
    ]);
    expect(rows[1][3]).toContain(`0x${RECORD_BLOCK_TYPE.toString(16).toUpperCase()}`);
    expect(rows[2][3]).toContain(`0x${MAX_FRAME_TYPE.toString(16).toUpperCase()}`);
    expect(spec).toContain(`RECORD_BLOCK_HEADER_BYTES = ${RECORD_BLOCK_HEADER_BYTES}`);
  });

  it('service frame types, layouts and status codes', () => {
    const types = table('Service frame types').map((r) => [r[1], Number(r[0])]);
    expect(types).toEqual([
      ['OPEN', ServiceFrame.open],
      ['OPEN_ACK', ServiceFrame.openAck],
      ['REQUEST', ServiceFrame.request],
      ['RESPONSE', ServiceFrame.response],
    ]);
    expect(Object.fromEntries(table('Service status codes').map((r) => [r[1], Number(r[0])]))).toEqual(
      ServiceStatus,
    );
    expect(Number(table('Request').at(-1)![0])).toBe(REQUEST_HEADER_BYTES);
    expect(Number(table('Response').at(-1)![0])).toBe(RESPONSE_HEADER_BYTES);
    expect(spec).toContain(`ABI version **${SERVICE_ABI_VERSION}**`);
  });
});
