/** The repair route's wire form: its query, the keys NDJSON part, and the multipart layout for Node and the browser. */
import { describe, expect, it } from 'vitest';
import { REPAIR_PARTS, keysNdjson, repairFormData, repairMultipart, repairQuery } from './repair-form';

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  const dec = new TextDecoder();
  for await (const c of body) out += dec.decode(c, { stream: true });
  return out;
}

describe('repair form', () => {
  it('encodes keys first, then the snapshot, with a size that matches', async () => {
    async function* snap(): AsyncGenerator<string> {
      yield 'id,q\n';
      yield 'a,1\n';
    }
    const mp = repairMultipart(['a', 'b"c'], { name: 'up "1".csv', format: 'csv', body: snap(), size: 9 });
    const body = await text(mp.body);
    const boundary = /boundary=(.+)$/.exec(mp.contentType)![1]!;
    expect(new TextEncoder().encode(body).byteLength).toBe(mp.size);
    expect(body.indexOf('name="keys"')).toBeLessThan(body.indexOf('name="snapshot"'));
    expect(body).toContain('"a"\n"b\\"c"\n');
    expect(body).toContain('filename="up %221%22.csv"');
    expect(body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  });

  it('FormData has the same parts in the same order', () => {
    const f = repairFormData(['x'], new Blob(['id\nx\n']), 'up.csv');
    expect([...f.keys()]).toEqual([REPAIR_PARTS.keys, REPAIR_PARTS.snapshot]);
    expect(keysNdjson(['x'])).toBe('"x"\n');
  });

  it('the query carries the repair options beside the diff ones', () => {
    expect(
      repairQuery({
        keyField: 'id',
        reason: 'r',
        include: ['different'],
        dryRun: true,
        expectMaxSeq: 3,
        name: 'a.csv',
      }),
    ).toMatchObject({
      key: 'id',
      reason: 'r',
      include: 'different',
      dryRun: 'true',
      expectMaxSeq: 3,
      name: 'a.csv',
    });
  });
});
