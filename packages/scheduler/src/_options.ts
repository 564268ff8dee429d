/**
 * Option checks shared by the breaker and the detector: a bad option is the caller's error, so
 * these throw a RangeError naming the option.
 */
export function positive(v: number, name: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new RangeError(`${name}: a finite number > 0 is required, got ${v}`);
  return v;
}

export function positiveInt(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new RangeError(`${name}: a positive integer is required, got ${v}`);
  return v;
}
