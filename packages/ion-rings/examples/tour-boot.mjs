// Worker entry of the tour: workers do not inherit the parent's `--import tsx`, so register
// tsx here and load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./tour-worker.ts');
