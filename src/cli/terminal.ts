/**
 * Text from outside (user ids, values from the log, the environment) on its way to a
 * terminal or a shell: escaped so that it can neither move the cursor, recolour or retitle
 * the terminal, reorder what is shown (bidirectional overrides), nor run as code under
 * `eval`.
 */

/**
 * C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional embedding,
 * override and isolate characters.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every unsafe character written as a visible `\xNN` / `\uNNNN` escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A message of several lines: each line made safe, the line breaks kept. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}

/** Characters a POSIX shell reads literally in a word. */
const SHELL_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one POSIX shell word: bare when plain, else single-quoted. */
export function shellQuote(value: string): string {
  if (SHELL_PLAIN.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value` lines for `eval "$(…)"`. */
export function shellAssignments(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${shellQuote(value)}\n`)
    .join('');
}
