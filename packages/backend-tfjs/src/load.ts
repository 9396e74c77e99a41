/** Loading the optional tfjs peers with errors that say what to install. */

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The error for a tfjs package that is not installed: names the backend and the package. */
export function missingPackageError(backend: string, pkg: string, cause?: unknown): Error {
  return new Error(
    `${backend} needs ${pkg}, which is not installed: npm install ${pkg} (it is an optional peer dependency of @rnnkit/backend-tfjs)`,
    { cause },
  );
}

/** Imports an (optional) peer dependency, turning "not found" into an install instruction. */
export async function importPeer<T>(
  backend: string,
  pkg: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isNotFound(err)) throw missingPackageError(backend, pkg, err);
    throw err;
  }
}
