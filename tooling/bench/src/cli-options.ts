import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * parseArgs for the bench's command-line tools, with `--help` (-h) printing `usage` (the text, or
 * a function that prints it) and a mistyped option or value answered in one line that points to
 * `--help` (which lists `lists`), not a stack trace.
 */
export function parseCli<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  usage: string | (() => void),
  config: { options: O; allowPositionals?: boolean },
  lists = 'the options',
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>> {
  const options = { ...config.options, help: { type: 'boolean', short: 'h' } } as const;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ ...config, options });
  } catch (e) {
    console.error(
      `${command}: ${e instanceof Error ? e.message : String(e)}; ${command} --help lists ${lists}`,
    );
    process.exit(2);
  }
  if (parsed.values.help) {
    if (typeof usage === 'string') console.log(usage.trim());
    else usage();
    process.exit(0);
  }
  return parsed as ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>>;
}
