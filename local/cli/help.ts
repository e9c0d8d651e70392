/** What `--help` prints for one top-level command, and the subcommands it accepts (none: options only). */
export interface CommandHelp {
  readonly usage: string;
  readonly subcommands?: readonly string[];
}

export interface HelpAnswer {
  readonly code: number;
  /** For stderr. */
  readonly text: string;
}

const isHelpFlag = (arg: string): boolean => arg === '-h' || arg === '--help';

/**
 * `--help` (or `-h`) anywhere in a command line, answered before anything runs: exit 0 with the command's usage, so
 * `capacity mitigate --for 30m --reason x --help` shows how to run it and changes nothing. A subcommand the command
 * does not have is exit 2 (a runbook naming one must fail its test). Undefined: no help asked, or an unknown
 * top-level command (the caller's own error).
 */
export const answerHelp = (argv: readonly string[], commands: Readonly<Record<string, CommandHelp>>, topUsage: string): HelpAnswer | undefined => {
  const [command, ...rest] = argv;
  if (command === undefined) return undefined;
  if (isHelpFlag(command) || command === 'help') return { code: 0, text: topUsage };
  const help = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (help === undefined || !rest.some(isHelpFlag)) return undefined;
  const [sub] = rest;
  if (help.subcommands !== undefined && sub !== undefined && !isHelpFlag(sub) && !help.subcommands.includes(sub)) {
    return { code: 2, text: `mangaassist ${command}: unknown ${command} command "${sub}"\n\n${help.usage}\n` };
  }
  return { code: 0, text: `${help.usage}\n` };
};
