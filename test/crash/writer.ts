/**
 * Child process of the crash test: opens the store file given as argv[2] and writes transactions
 * to topics "crash" and `crash.<label>` (argv[3]) forever, alternating single appends and batches,
 * printing one line per acknowledged transaction: `ack <label> <clientTxn> <topic> <txn> <count>`.
 * Each event carries its client transaction id, its index and the transaction's size, so the test
 * can tell a whole transaction from a partial one after SIGKILL.
 */
import { openSqliteStore } from '../../src-core/store/sqlite';
import type { BatchTxn, EventInput } from '../../src-core/model/types';

const [file, label = 'w'] = process.argv.slice(2);
if (!file) throw new Error('usage: writer.ts FILE [LABEL]');
const store = openSqliteStore(file);

let client = 0;
function txn(topic: string): BatchTxn {
  client++;
  const n = 1 + ((client * 7919) % 40);
  const events: EventInput[] = Array.from({ length: n }, (_, j) => ({
    key: `k${(client * 31 + j) % 97}`,
    data: { c: `${label}-${client}`, j, n, pad: 'x'.repeat((client + j) % 200) },
  }));
  return { topic, events };
}

function ack(clientId: string, topic: string, t: number | null, count: number): void {
  process.stdout.write(`ack ${label} ${clientId} ${topic} ${t} ${count}\n`);
}

async function run(): Promise<void> {
  for (;;) {
    if (client % 3 === 0) {
      const batch = [txn('crash'), txn(`crash.${label}`), txn('crash')];
      const res = await store.appendBatch(batch);
      if (res.error) throw new Error(res.error.message);
      res.results.forEach((r, i) => {
        const first = batch[i]!.events[0]!.data as { c: string };
        ack(first.c, batch[i]!.topic, r.txn, batch[i]!.events.length);
      });
    } else {
      const t = txn(client % 2 ? 'crash' : `crash.${label}`);
      const r = await store.append(t.topic, t);
      ack((t.events[0]!.data as { c: string }).c, t.topic, r.txn, t.events.length);
    }
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`writer failed: ${String(err)}\n`);
  process.exit(1);
});
