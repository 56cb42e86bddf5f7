/**
 * The README's variable table and every command's `--help` say what the config shapes read:
 * each variable a command reads is in its help and in the table (listed as used by that
 * command, with the shape's default), and nothing is documented that no shape reads.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../../src/cli/commands/index.ts';
import { commandShapes } from '../../../src/config/commands.ts';

const VARIABLE = /(?<![A-Z_])(?:HOLDFAST_[A-Z_]+|PORT|KAFKA_BROKERS|REDIS_URL)(?![A-Z_])/g;

/** The default a shape gives an unset variable, as documented; undefined if none. */
function defaultOf(schema: unknown): string | undefined {
  const result = (
    schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }
  ).safeParse(undefined);
  if (!result.success || result.data === undefined) return undefined;
  return result.data === '' ? 'empty' : `\`${String(result.data)}\``;
}

interface Row {
  usedBy: string[];
  defaultCell: string;
}

/** The rows of the table under "## Configuration", by variable. */
function readmeTable(markdown: string): Map<string, Row> {
  const section = markdown.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    rows.set(name, {
      usedBy: (cells[2] ?? '').split(',').map((c) => c.trim()),
      defaultCell: cells[4] ?? '',
    });
  }
  return rows;
}

/** Each command's full `--help` (its subcommands' too), as printed. */
function helpTexts(): Map<string, string> {
  let out = '';
  const program = new Command().configureOutput({
    writeOut: (text) => {
      out += text;
    },
  });
  registerCommands(program);
  const texts = new Map<string, string>();
  const print = (command: Command): string => {
    out = '';
    command.outputHelp();
    return [out, ...command.commands.map(print)].join('\n');
  };
  for (const command of program.commands) texts.set(command.name(), print(command));
  return texts;
}

/** Problems between the shapes and the README table (empty when they agree). */
function readmeProblems(markdown: string): string[] {
  const rows = readmeTable(markdown);
  const problems: string[] = [];
  for (const [command, shape] of Object.entries(commandShapes)) {
    for (const [name, schema] of Object.entries(shape)) {
      const row = rows.get(name);
      if (!row) {
        problems.push(`${name} (read by ${command}) is not in the README table`);
        continue;
      }
      if (!row.usedBy.includes(command)) problems.push(`${name}: "used by" lacks ${command}`);
      const value = defaultOf(schema);
      if (value && !row.defaultCell.includes(value)) {
        problems.push(`${name}: ${command}'s default ${value} is not in "${row.defaultCell}"`);
      }
    }
  }
  for (const [name, row] of rows) {
    for (const command of row.usedBy) {
      if (!(commandShapes[command] && name in commandShapes[command])) {
        problems.push(`${name}: documented as used by ${command}, which does not read it`);
      }
    }
  }
  return problems;
}

function helpProblems(): string[] {
  const problems: string[] = [];
  const texts = helpTexts();
  for (const [command, shape] of Object.entries(commandShapes)) {
    const help = texts.get(command) ?? '';
    for (const [name, schema] of Object.entries(shape)) {
      const mentioned = [...help.matchAll(VARIABLE)].some((m) => m[0] === name);
      if (!mentioned) problems.push(`${command} --help does not list ${name}`);
      const line = help.split('\n').find((l) => l.trim().split(/\s/)[0] === name);
      const stated = line && /\(default ([^:;)\s]+)/.exec(line)?.[1];
      const value = defaultOf(schema);
      if (stated && value && `\`${stated}\`` !== value && stated !== value) {
        problems.push(`${command} --help says ${name} defaults to ${stated}, the code ${value}`);
      }
    }
    for (const [name] of help.matchAll(VARIABLE)) {
      if (!(name in shape))
        problems.push(`${command} --help lists ${name}, which it does not read`);
    }
  }
  return [...new Set(problems)];
}

describe('documented variables', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

  it('the README table agrees with the config shapes', () => {
    expect(readmeProblems(readme)).toEqual([]);
  });

  it('every --help agrees with the config shapes', () => {
    expect(helpProblems()).toEqual([]);
  });

  it('catches a wrong default in the README (the check can fail)', () => {
    const planted = readme.replace(/\| gateway `8080`/, '| gateway `0`');
    expect(planted).not.toBe(readme);
    expect(readmeProblems(planted)).toContain(
      'PORT: gateway\'s default `8080` is not in "gateway `0` (`0` = a free port, printed); dev `3000`"',
    );
  });
});
