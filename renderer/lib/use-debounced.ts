/**
 * `useDebounced(value, ms)`: the value, settled for `ms` — so typing in a filter box does not
 * fetch on every keystroke.
 */
import { useEffect, useState } from 'react';

export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
