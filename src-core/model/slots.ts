/**
 * A counting cap on operations of one kind running at once (diffs and repairs, verifies): the one
 * home of the rule every such cap follows. `acquire` takes a slot or throws TOO_MANY_REQUESTS
 * carrying a `retryAfter` in seconds (sent by the server as `Retry-After`); the release it returns
 * frees the slot and may be called any number of times (once counts).
 */
import { tooManyRequests } from './errors';
import { checkLimit } from './validate';

export interface SlotsOptions {
  /** What runs in a slot, singular (`diff`, `verify`): it names the refusal. */
  what: string;
  /** The option that sets `max` (`maxDiffs`), named when it is out of range. */
  option: string;
  /** Slots in all, from 1 to 1,000,000. */
  max: number;
  /** The `Retry-After` of a refusal, in seconds. */
  retryAfterSeconds: number;
}

export class Slots {
  private taken = 0;
  readonly max: number;
  private readonly what: string;
  private readonly retryAfterSeconds: number;

  constructor(opts: SlotsOptions) {
    this.max = checkLimit(opts.option, opts.max, 1_000_000);
    this.what = opts.what;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /** Slots in use now. */
  get running(): number {
    return this.taken;
  }

  acquire(): () => void {
    if (this.taken >= this.max) {
      const many = this.max === 1 ? `1 ${this.what} is` : `${this.max} ${this.what}s are`;
      throw tooManyRequests(
        `${this.what}: ${many} already running, the most allowed at once; retry in a few seconds`,
        this.retryAfterSeconds,
      );
    }
    this.taken++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.taken--;
    };
  }
}
