import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * parseArgs for the bench's command-line tools, with `--help` (-h) printing `usage` and a
 * mistyped option or value answered in one line that points to `--help`, not a stack trace.
 */
export function parseCli<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  usage: string,
  config: { options: O; allowPositionals?: boolean },
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>> {
  const options = { ...config.options, help: { type: 'boolean', short: 'h' } } as const;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ ...config, options });
  } catch (e) {
    console.error(
      `${command}: ${e instanceof Error ? e.message : String(e)}; ${command} --help lists the options`,
    );
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage.trim());
    process.exit(0);
  }
  return parsed as ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>>;
}
