/**
 * Where a database password comes from: the environment variable `DJ_PASS`, else an
 * interactive prompt when a person is at a terminal, else nowhere (servers that trust the
 * connection need none). The password is never logged and never put in an error.
 */
import { UsageError } from '../errors/base.js';

export const PASSWORD_ENV = 'DJ_PASS';

/** The parts of a TTY input stream the prompt needs (process.stdin satisfies it). */
export interface PromptInput extends NodeJS.EventEmitter {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  isRaw?: boolean;
  resume(): unknown;
  pause(): unknown;
}

export interface PromptOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface PasswordSource {
  env?: NodeJS.ProcessEnv;
  input?: PromptInput;
  /** Where the prompt is written; stderr so that stdout stays clean for data. */
  output?: PromptOutput;
}

/**
 * The password for `who` (e.g. `root@db.example.org:3306`): `DJ_PASS` if set (even empty),
 * else a masked prompt on a terminal, else undefined.
 */
export async function resolvePassword(who: string, source: PasswordSource = {}): Promise<string | undefined> {
  const env = source.env ?? process.env;
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined) return fromEnv;
  const input = source.input ?? process.stdin;
  const output = source.output ?? process.stderr;
  if (!input.isTTY || typeof input.setRawMode !== 'function') return undefined;
  return promptPassword(`Password for ${who}: `, input, output);
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Read one line in raw mode, echoing `*` per character, so the password never shows. */
export function promptPassword(question: string, input: PromptInput, output: PromptOutput): Promise<string> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw === true;
    let typed = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === CTRL_D) {
          finish();
          return;
        }
        if (ch === CTRL_C) {
          finish(new UsageError('Password entry cancelled.', { reason: 'cancelled' }));
          return;
        }
        if (BACKSPACE.has(ch)) {
          if (typed.length > 0) {
            typed = Array.from(typed).slice(0, -1).join('');
            output.write('\b \b');
          }
        } else if (ch === CTRL_U) {
          output.write('\b \b'.repeat(Array.from(typed).length));
          typed = '';
        } else if (ch >= ' ') {
          typed += ch;
          output.write('*');
        }
      }
    };
    output.write(question);
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
