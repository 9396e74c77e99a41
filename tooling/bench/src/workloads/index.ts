import type { Workload } from '../harness.js';
import { matmulWorkload } from './matmul.js';

/** Every named workload, in the order `rnnkit-bench` runs them. */
export const workloads: Workload[] = [matmulWorkload];
