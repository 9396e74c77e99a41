/**
 * rnnkit names parameters as PyTorch does, in camelCase: weight_ih_l0_reverse ↔ weightIhL0Reverse,
 * layers.0.bias_hh ↔ layers.0.biasHh. Shapes and gate order are PyTorch's, so loading a PyTorch
 * state dict is a renaming only (ONNX layouts differ: see toOnnxWeights / fromOnnxWeights).
 */
export function fromTorchName(name: string): string {
  return name
    .split('.')
    .map((part) => part.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase()))
    .join('.');
}

export function toTorchName(name: string): string {
  return name
    .split('.')
    .map((part) => part.replace(/([A-Z])/g, (ch: string) => `_${ch.toLowerCase()}`))
    .join('.');
}
