/** The timeline's rules: option checks (ISO times, bucket counts) and the bucket plan every backend shares. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { bucketIndex, bucketRange, normalizeTimeline, parseIsoTime, planTimeline, timelineOf } from './timeline';

describe('timeline options', () => {
  it('reads ISO-8601 times with Z or an offset, to the minute or the millisecond', () => {
    expect(parseIsoTime('2026-01-31T09:30:00.000Z', 'from')).toBe(Date.UTC(2026, 0, 31, 9, 30));
    expect(parseIsoTime('2026-01-31T09:30Z', 'from')).toBe(Date.UTC(2026, 0, 31, 9, 30));
    expect(parseIsoTime('2026-01-31T10:30:00+01:00', 'from')).toBe(Date.UTC(2026, 0, 31, 9, 30));
    expect(parseIsoTime('2024-02-29T00:00:00.5Z', 'from')).toBe(Date.UTC(2024, 1, 29) + 500);
  });

  it('refuses what is not a time of the calendar, naming the field', () => {
    for (const bad of [
      'yesterday',
      '2026-01-31',
      '2026-01-31T09:30:00',
      '2026-02-29T00:00Z',
      '2026-04-31T00:00Z',
      '2026-13-01T00:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T00:60Z',
      '2026-01-01T00:00:60Z',
      '2026-01-01T00:00+24:00',
      ` 2026-01-01T00:00Z`,
      `2026-01-01T00:00:00.${'0'.repeat(40)}Z`,
      12,
    ]) {
      expect(() => parseIsoTime(bad, 'to'), String(bad)).toThrow(/^to: must be an ISO-8601 time/);
    }
  });

  it('defaults buckets and checks every option', () => {
    expect(normalizeTimeline()).toEqual({ buckets: LIMITS.timelineBucketsDefault });
    expect(normalizeTimeline({ buckets: 1, from: '2026-01-01T00:00Z' })).toEqual({
      buckets: 1,
      fromMs: Date.UTC(2026, 0, 1),
    });
    expect(() => normalizeTimeline({ buckets: 0 })).toThrow(/^buckets: must be an integer from 1 to 2000/);
    expect(() => normalizeTimeline({ buckets: LIMITS.timelineBucketsMax + 1 })).toThrow(/^buckets: /);
    expect(() => normalizeTimeline({ from: '2026-01-01T00:00Z', to: '2026-01-01T00:00Z' })).toThrow(
      /^from: must be before to/,
    );
    expect(() => normalizeTimeline({ step: 1 } as never)).toThrow(/^step: unknown option/);
  });
});

describe('the bucket plan', () => {
  it('spans the first to just after the last transaction by default, in whole-millisecond buckets', () => {
    expect(planTimeline({ buckets: 200 }, 1000, 1000)).toEqual({ fromMs: 1000, toMs: 1001, bucketMs: 1, count: 1 });
    expect(planTimeline({ buckets: 3 }, 0, 9)).toEqual({ fromMs: 0, toMs: 10, bucketMs: 4, count: 3 });
    expect(planTimeline({ buckets: 5 }, 0, 9)).toEqual({ fromMs: 0, toMs: 10, bucketMs: 2, count: 5 });
    expect(planTimeline({ buckets: 200 }, null, null)).toBeNull();
    expect(planTimeline({ buckets: 2, fromMs: 0, toMs: 100 }, null, null)).toEqual({
      fromMs: 0,
      toMs: 100,
      bucketMs: 50,
      count: 2,
    });
    expect(planTimeline({ buckets: 2, fromMs: 50 }, 0, 9)).toBeNull();
  });

  it('puts a time in its bucket and gives each bucket its range, the last cut at the end', () => {
    const plan = planTimeline({ buckets: 3 }, 0, 9)!;
    expect([0, 3, 4, 9].map((t) => bucketIndex(plan, t))).toEqual([0, 0, 1, 2]);
    expect(bucketRange(plan, 2)).toEqual({ start: new Date(8).toISOString(), end: new Date(10).toISOString() });
    expect(timelineOf('t', null, [])).toEqual({ topic: 't', from: null, to: null, bucketMs: null, buckets: [] });
  });
});
