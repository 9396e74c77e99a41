import '@rnnkit/backend-js';
import { runMoveToTests } from '@rnnkit/backend-conformance';
import './index.js';

// module.to(backend) between the JS backend and tfjs-cpu, both ways: the shared definition in
// @rnnkit/backend-conformance.
runMoveToTests('tfjs-cpu');
