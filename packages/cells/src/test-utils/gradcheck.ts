/**
 * The finite-difference gradient checks of every cell and layer option combination live in
 * @rnnkit/backend-conformance (`runConformance`), so that every backend runs them. This module
 * only re-exports the seeded values lengths.test.ts imports from here; new code imports
 * ./seeded.js.
 */
export { seededValues } from './seeded.js';
