import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/base.js';
import { resolvePassword, type PromptInput } from '../../src/db/password.js';

/** A stand-in terminal: what a person types arrives as 'data' events once the prompt listens. */
class FakeTerminal extends EventEmitter implements PromptInput {
  isTTY = true;
  isRaw = false;
  rawModes: boolean[] = [];
  paused = true;
  constructor(private readonly keystrokes: string[]) {
    super();
  }
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModes.push(mode);
    return this;
  }
  resume(): this {
    this.paused = false;
    // Deliver the keystrokes asynchronously, one chunk at a time, like a terminal.
    let i = 0;
    const next = (): void => {
      if (i < this.keystrokes.length && this.listenerCount('data') > 0) {
        this.emit('data', Buffer.from(this.keystrokes[i++], 'utf8'));
        setImmediate(next);
      }
    };
    setImmediate(next);
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
}

class Screen {
  text = '';
  isTTY = true;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('resolvePassword', () => {
  it('takes DJ_PASS from the environment, even when empty, without prompting', async () => {
    const terminal = new FakeTerminal(['typed\r']);
    expect(await resolvePassword('u@h:1', { env: { DJ_PASS: 'from-env' }, input: terminal, output: new Screen() })).toBe('from-env');
    expect(await resolvePassword('u@h:1', { env: { DJ_PASS: '' }, input: terminal, output: new Screen() })).toBe('');
    expect(terminal.rawModes).toEqual([]);
  });

  it('returns no password when there is neither DJ_PASS nor a terminal', async () => {
    const notATerminal = new FakeTerminal(['x\r']);
    notATerminal.isTTY = false;
    expect(await resolvePassword('u@h:1', { env: {}, input: notATerminal, output: new Screen() })).toBeUndefined();
  });

  it('prompts on a terminal in raw mode, masks every character and restores the mode', async () => {
    const terminal = new FakeTerminal(['se', 'cr', 'X', '\u007f', 'et', 'ü\r']);
    const screen = new Screen();
    const password = await resolvePassword('root@db:3306', { env: {}, input: terminal, output: screen });
    expect(password).toBe('secretü');
    expect(screen.text.startsWith('Password for root@db:3306: ')).toBe(true);
    expect(screen.text).not.toMatch(/secret|ü/);
    expect(screen.text.replace('Password for root@db:3306: ', '')).toBe('*****\b \b***\n');
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.paused).toBe(true);
    expect(terminal.listenerCount('data')).toBe(0);
  });

  it('Ctrl-U clears what was typed; Ctrl-C cancels with a UsageError', async () => {
    const cleared = await resolvePassword('u@h:1', { env: {}, input: new FakeTerminal(['wrong\u0015right\n']), output: new Screen() });
    expect(cleared).toBe('right');
    const cancelled = resolvePassword('u@h:1', { env: {}, input: new FakeTerminal(['abc\u0003']), output: new Screen() });
    await expect(cancelled).rejects.toBeInstanceOf(UsageError);
    await expect(cancelled).rejects.toThrow(/cancelled/);
  });
});
