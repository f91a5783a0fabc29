import { describe, expect, it, jest } from '@jest/globals';
import { TokenBucket } from '../../../ib-bridge/pacing.ts';

describe('token bucket', () => {
  it('lets at most rate + burst through in any one-second window of a virtual clock', () => {
    let now = 0;
    const bucket = new TokenBucket(46, 1, () => now);
    const times: number[] = [];
    for (let t = 0; t < 5000; t++) {
      now = t;
      while (bucket.tryTake()) times.push(t);
    }
    let worst = 0;
    for (let i = 0; i < times.length; i++) {
      let j = i;
      while (j < times.length && (times[j] as number) < (times[i] as number) + 1000) j++;
      worst = Math.max(worst, j - i);
    }
    expect(worst).toBeLessThanOrEqual(47);
    expect(times.length).toBeGreaterThanOrEqual(46 * 5 - 2);
  });

  it('under steady demand, timer-driven waiters get ≥ 90% of 50/s and never more than rate + burst', async () => {
    jest.useFakeTimers();
    try {
      const bucket = new TokenBucket(46, 2, () => Date.now());
      const start = Date.now();
      const times: number[] = [];
      const all = Array.from({ length: 600 }, () => bucket.take().then(() => times.push(Date.now() - start)));
      await jest.advanceTimersByTimeAsync(14_000);
      await Promise.all(all);
      expect(times).toHaveLength(600);
      const windows = oneSecondWindows(times);
      expect(Math.max(...windows)).toBeLessThanOrEqual(48);
      expect(Math.min(...windows)).toBeGreaterThanOrEqual(45);
      bucket.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('serves waiters in order, urgent ones first', async () => {
    // A virtual clock: on a real one a busy machine can refill a token between two calls.
    jest.useFakeTimers();
    try {
      const bucket = new TokenBucket(10, 1, () => Date.now());
      expect(bucket.tryTake()).toBe(true);
      const order: string[] = [];
      const a = bucket.take().then(() => order.push('a'));
      const b = bucket.take().then(() => order.push('b'));
      const c = bucket.take(true).then(() => order.push('urgent'));
      await jest.advanceTimersByTimeAsync(1000);
      await Promise.all([a, b, c]);
      expect(order).toEqual(['urgent', 'a', 'b']);
      bucket.close();
      await expect(bucket.take()).rejects.toThrow('closed');
    } finally {
      jest.useRealTimers();
    }
  });
});

/** Messages in each full one-second window that starts at a message (a sliding window, as IB counts). */
function oneSecondWindows(times: number[]): number[] {
  const last = times[times.length - 1] as number;
  const counts: number[] = [];
  for (let i = 0; i < times.length && (times[i] as number) + 1000 <= last; i++) {
    let j = i;
    while (j < times.length && (times[j] as number) < (times[i] as number) + 1000) j++;
    counts.push(j - i);
  }
  return counts;
}
