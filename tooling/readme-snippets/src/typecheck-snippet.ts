import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './find-readmes.js';

/** A type error in a snippet, at a 1-based line of the snippet's code (0: not in the snippet). */
export interface TypeProblem {
  line: number;
  message: string;
}

let compilerOptions: ts.CompilerOptions | undefined;

/** The repository's own compiler options (tsconfig.base.json: strict, NodeNext), emitting nothing. */
function options(): ts.CompilerOptions {
  if (!compilerOptions) {
    const { config } = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
    compilerOptions = {
      ...parsed.options,
      noEmit: true,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
    };
  }
  return compilerOptions;
}

/**
 * Type-checks a TypeScript snippet saved at `file` (inside the harness package, so `@rnnkit/*`
 * resolve to the built packages' declarations) with the repository's strict settings. A
 * TypeScript block is mostly about its types, so a wrong type name must fail, which stripping the
 * types and running the rest would not catch.
 */
export function typecheckSnippet(file: string): TypeProblem[] {
  const program = ts.createProgram([file], options());
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file?.fileName !== file || d.start === undefined) {
        return { line: 0, message: d.file ? `${d.file.fileName}: ${message}` : message };
      }
      return { line: d.file.getLineAndCharacterOfPosition(d.start).line + 1, message };
    });
}

/** The snippet as JavaScript: types removed, everything else kept as written. */
export function stripTypes(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}
