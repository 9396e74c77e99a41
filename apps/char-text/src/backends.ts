// The backend packages this app offers, imported by the CLI and by the training worker:
// importing them registers their names, which --help lists (knownBackends) and an unknown name's
// error names; a backend starts only when chosen.
import '@rnnkit/backend-js';
import '@rnnkit/backend-tfjs';
import '@rnnkit/backend-onnx';
