import { describe, expect, it } from 'vitest';
import type { DiffRow } from '../../src-core/model/types';
import { diffExportFile } from './diff-export';
import { fieldsOf } from './diff-fields';

const row: DiffRow = {
  key: 'T,2',
  status: 'different',
  fields: ['px'],
  store: { key: 'T,2', seq: 5, txn: 2, hash: 'h', data: { px: '20', qty: 2 }, time: 't' },
  snapshot: { key: 'T,2', px: '21', qty: '2' },
};

describe('diff rows', () => {
  it('exports CSV in the one documented layout, with quoting and canonical JSON', () => {
    const file = diffExportFile('a/b', [row], 'csv');
    expect(file.name).toBe('a_b-diff.csv');
    expect(file.type).toBe('text/csv; charset=utf-8');
    expect(file.text).toBe(
      'key,status,fields,storeSeq,storeTxn,storeTime,storeHash,storeData,snapshot\r\n' +
        '"T,2",different,px,5,2,t,h,"{""px"":""20"",""qty"":2}","{""key"":""T,2"",""px"":""21"",""qty"":""2""}"\r\n',
    );
  });
  it('exports NDJSON, one row per line', () => {
    const file = diffExportFile('t', [row, { ...row, key: 'x' }], 'ndjson');
    expect(file.name).toBe('t-diff.ndjson');
    const lines = file.text.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as DiffRow).key)).toEqual(['T,2', 'x']);
  });
  it('lines up fields of store and snapshot, flagging the differing ones', () => {
    const f = fieldsOf(row, 'key');
    expect(f).toEqual([
      { field: 'px', store: '20', snapshot: '21', differs: true },
      { field: 'qty', store: 2, snapshot: '2', differs: false },
    ]);
  });
});
