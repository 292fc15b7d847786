import { parseArgs, type ParseArgsConfig } from 'node:util';

export type ParsedCommandLine<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * node:util's parseArgs, always strict (an unknown or misspelt flag is refused, never ignored);
 * a refused command line comes back as its first sentence ("Unknown option '--x'"), for the caller to print with its usage.
 */
export function parseCommandLine<T extends Omit<ParseArgsConfig, 'strict'>>(config: T): ParsedCommandLine<T & { strict: true }> | { problem: string } {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (e) {
    if (!(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw e;
    // The first sentence names the flag; node's hints after it are about '--' positionals.
    return { problem: (e as Error).message.split(/\.(?:\s|$)/)[0] };
  }
}
