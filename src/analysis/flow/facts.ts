/**
 * What a path knows about values: for each tracked key (a variable, a field, a call's result)
 * the set of value classes it may still hold. Three classes are enough for kernel error
 * handling: zero/NULL, negative/ERR_PTR, and positive/a valid pointer. A branch narrows the
 * set; an empty set means the path cannot happen.
 */
/** How a call says it failed: never, NULL, an ERR_PTR(), either, a negative errno, ... */
export type FailureStyle = 'never' | 'null' | 'err-ptr' | 'err-ptr-or-null' | 'errno' | 'negative' | 'zero-ok' | 'false';

export type ValueMask = number;

export const ZERO: ValueMask = 1;
export const NEGATIVE: ValueMask = 2;
export const POSITIVE: ValueMask = 4;
export const ANY_VALUE: ValueMask = ZERO | NEGATIVE | POSITIVE;

/** The values a call returns when it succeeded. */
export function successMask(style: FailureStyle): ValueMask {
  switch (style) {
    case 'never':
      return ANY_VALUE;
    case 'null':
    case 'err-ptr':
    case 'err-ptr-or-null':
      return POSITIVE;
    case 'errno':
      return ZERO;
    case 'negative':
      return ZERO | POSITIVE;
    case 'zero-ok':
      return ZERO;
    case 'false':
      // try_module_get(), kref_get_unless_zero(), the trylocks: a bool, or an int that is 1 when taken.
      return POSITIVE;
  }
}

/** The values a call may return at all. */
export function resultMask(style: FailureStyle): ValueMask {
  switch (style) {
    case 'null':
      return ZERO | POSITIVE;
    case 'err-ptr':
      return NEGATIVE | POSITIVE;
    case 'false':
      return ZERO | POSITIVE;
    case 'errno':
      return ZERO | NEGATIVE;
    default:
      return ANY_VALUE;
  }
}

/** A condition the control flow branches on, reduced to what it says about one key. */
export type ConditionAtom =
  | { kind: 'constant'; value: boolean }
  /** `label`: for `key == NAME` (`!=`), a comparison with a named constant, read against the name the path last gave the key. */
  | { kind: 'test'; key: string; whenTrue: ValueMask; whenFalse: ValueMask; label?: { key: string; name: string; equal: boolean } }
  | { kind: 'opaque' };

/** Facts of one path: key -> mask. Immutable; updates return a new object. */
export class Facts {
  private constructor(private readonly masks: ReadonlyMap<string, ValueMask>) {}

  static readonly empty = new Facts(new Map());

  get(key: string): ValueMask {
    return this.masks.get(key) ?? ANY_VALUE;
  }

  has(key: string): boolean {
    return this.masks.has(key);
  }

  keys(): IterableIterator<string> {
    return this.masks.keys();
  }

  set(key: string, mask: ValueMask): Facts {
    if (this.masks.get(key) === mask) return this;
    const next = new Map(this.masks);
    if (mask === ANY_VALUE) next.delete(key);
    else next.set(key, mask);
    return new Facts(next);
  }

  /** Narrow a key to the values a branch allows; null when the path becomes impossible. */
  narrow(key: string, allowed: ValueMask): Facts | null {
    const narrowed = this.get(key) & allowed;
    if (narrowed === 0) return null;
    return this.set(key, narrowed);
  }

  remove(keys: Iterable<string>): Facts {
    let next: Map<string, ValueMask> | null = null;
    for (const key of keys) {
      if (!this.masks.has(key)) continue;
      next ??= new Map(this.masks);
      next.delete(key);
    }
    return next === null ? this : new Facts(next);
  }

  /** The signature, once asked for: a path walk asks it of the same facts at every node they reach unchanged. */
  private memoisedSignature: string | undefined;

  /** A stable text for memoising states. */
  signature(): string {
    this.memoisedSignature ??= this.computeSignature();
    return this.memoisedSignature;
  }

  private computeSignature(): string {
    if (this.masks.size === 0) return '';
    return [...this.masks.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, mask]) => `${key}=${mask}`)
      .join(';');
  }
}

/**
 * Follow one edge of a branch: the facts on that side, or null when the facts rule the side
 * out. Keys outside `tracked` are not recorded (they only multiply states).
 */
export function takeBranch(facts: Facts, atom: ConditionAtom, outcome: boolean, tracked: ReadonlySet<string>): Facts | null {
  switch (atom.kind) {
    case 'constant':
      return atom.value === outcome ? facts : null;
    case 'opaque':
      return facts;
    case 'test':
      if (!tracked.has(atom.key)) return facts;
      return facts.narrow(atom.key, outcome ? atom.whenTrue : atom.whenFalse);
  }
}

/** The mask of `x OP c` being true and false, where c is a constant of class `constant`. */
export function comparisonMasks(operator: string, constant: ValueMask): { whenTrue: ValueMask; whenFalse: ValueMask } {
  if (constant === ZERO) {
    switch (operator) {
      case '==':
        return { whenTrue: ZERO, whenFalse: NEGATIVE | POSITIVE };
      case '!=':
        return { whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO };
      case '<':
        return { whenTrue: NEGATIVE, whenFalse: ZERO | POSITIVE };
      case '<=':
        return { whenTrue: ZERO | NEGATIVE, whenFalse: POSITIVE };
      case '>':
        return { whenTrue: POSITIVE, whenFalse: ZERO | NEGATIVE };
      case '>=':
        return { whenTrue: ZERO | POSITIVE, whenFalse: NEGATIVE };
    }
  }
  if (constant === NEGATIVE) {
    switch (operator) {
      case '==':
        return { whenTrue: NEGATIVE, whenFalse: ANY_VALUE };
      case '!=':
        return { whenTrue: ANY_VALUE, whenFalse: NEGATIVE };
      case '>':
      case '>=':
        return { whenTrue: ANY_VALUE, whenFalse: NEGATIVE };
      case '<':
      case '<=':
        return { whenTrue: NEGATIVE, whenFalse: ANY_VALUE };
    }
  }
  if (constant === POSITIVE) {
    switch (operator) {
      case '==':
        return { whenTrue: POSITIVE, whenFalse: ANY_VALUE };
      case '!=':
        return { whenTrue: ANY_VALUE, whenFalse: POSITIVE };
      case '>':
      case '>=':
        return { whenTrue: POSITIVE, whenFalse: ANY_VALUE };
      case '<':
      case '<=':
        return { whenTrue: ANY_VALUE, whenFalse: POSITIVE };
    }
  }
  return { whenTrue: ANY_VALUE, whenFalse: ANY_VALUE };
}

/** The operator of `c OP x` rewritten for `x OP' c`. */
export function mirrorOperator(operator: string): string {
  switch (operator) {
    case '<':
      return '>';
    case '>':
      return '<';
    case '<=':
      return '>=';
    case '>=':
      return '<=';
    default:
      return operator;
  }
}
