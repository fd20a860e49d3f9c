import { type Command, UsageError, parse, reportError } from './cli-io.ts';
import { commands } from './commands.ts';

/** The usage text: every command, or the commands of one group (`outbox` → `outbox list`, `outbox show`, …). */
function usage(group?: string): string {
  const listed = [...commands].filter(([name]) => group === undefined || name.startsWith(`${group} `));
  const lines = listed.map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  const head = group === undefined ? 'gatehouse <command>' : `gatehouse ${group} <command>`;
  return `Usage: ${head} [options]\n\nCommands:\n${lines.join('\n')}\n\nEach command takes --help; commands that print take --json.`;
}

function isGroup(word: string | undefined): word is string {
  return word !== undefined && [...commands.keys()].some((name) => name.startsWith(`${word} `));
}

const HELP = new Set(['--help', '-h', 'help']);

/** Finds the longest command name the arguments start with ("user create" before "user"). */
function resolve(argv: string[]): { name: string; command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = commands.get(name);
    if (command) return { name, command, rest: argv.slice(words) };
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${usage()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = resolve(argv);
  if (!found && isGroup(argv[0]) && (argv.length === 1 || HELP.has(argv[1]!))) {
    process.stdout.write(`${usage(argv[0])}\n`);
    return argv.length === 1 ? 2 : 0;
  }
  if (!found) {
    process.stderr.write(`gatehouse: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${usage()}\n`);
    return 2;
  }
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parse(found.command, found.rest);
    if (values.help) {
      process.stdout.write(`${found.command.help}\n`);
      return 0;
    }
    const allowed = found.command.positionals ?? 0;
    if (positionals.length > allowed)
      throw new UsageError(`unexpected argument "${positionals[allowed]}"; see gatehouse ${found.name} --help`);
    return await found.command.run(values as Record<string, string | boolean | undefined>, positionals);
  } catch (error) {
    return reportError(error, json);
  }
}

process.exitCode = await main(process.argv.slice(2));
