/**
 * Keeps results in the order their work was handed out, whatever order it finishes in: the
 * review of group 7 may come back from a worker before group 6's, but group 6 is reported
 * first. Values that are ready at once (input errors read on the main thread) wait their
 * turn the same way.
 */

interface Slot<T> {
  settled: boolean;
  failed: boolean;
  value?: T;
  error?: unknown;
  promise: Promise<void>;
}

export class ReorderBuffer<T> {
  private readonly slots: Slot<T>[] = [];
  private unsettled = 0;

  /** Slots handed in and not yet taken. */
  get size(): number {
    return this.slots.length;
  }

  /** Slots whose value is still being computed. */
  get pending(): number {
    return this.unsettled;
  }

  /** Appends a value, or the promise of one, behind everything pushed before. */
  push(value: T | Promise<T>): void {
    if (!(value instanceof Promise)) {
      this.slots.push({ settled: true, failed: false, value, promise: Promise.resolve() });
      return;
    }
    const slot: Slot<T> = { settled: false, failed: false, promise: Promise.resolve() };
    this.unsettled += 1;
    const settle = () => {
      slot.settled = true;
      this.unsettled -= 1;
    };
    // The outcome is recorded here, so a rejection is never left unhandled while the slot waits its turn.
    slot.promise = value.then(
      (result) => {
        slot.value = result;
        settle();
      },
      (error: unknown) => {
        slot.failed = true;
        slot.error = error;
        settle();
      },
    );
    this.slots.push(slot);
  }

  /** Takes the values at the head that are ready, in order; stops at the first that is not. */
  *takeReady(): Generator<T> {
    while (this.slots.length > 0 && this.slots[0].settled) yield this.take();
  }

  /** Waits for the head value and takes it. Throws what its promise rejected with. */
  async takeHead(): Promise<T> {
    const head = this.slots[0];
    if (head === undefined) throw new Error('ReorderBuffer.takeHead on an empty buffer');
    await head.promise;
    return this.take();
  }

  private take(): T {
    const slot = this.slots.shift() as Slot<T>;
    if (slot.failed) throw slot.error;
    return slot.value as T;
  }
}
