/**
 * The few git config values this layer needs (core.*, extensions.*), read from the repository's
 * config and the user's global config. `[include]` directives are not followed.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type GitConfig = Map<string, string>;

/** Parses git's INI dialect into `section.key` (and `section.subsection.key`) -> last value. */
export function parseConfig(text: string, into: GitConfig = new Map()): GitConfig {
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$/.exec(line);
    if (header) {
      section = header[1].toLowerCase() + (header[2] !== undefined ? `.${header[2].replace(/\\(.)/g, '$1')}` : '');
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv || !section) continue;
    into.set(`${section}.${kv[1].toLowerCase()}`, kv[2] === undefined ? 'true' : unquote(kv[2]));
  }
  return into;
}

function unquote(raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else if ((c === '#' || c === ';') && !quoted) break;
    else out += c;
  }
  return out.trim();
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function xdgConfigHome(): string {
  return process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
}

/** Global config (XDG, then ~/.gitconfig) overlaid by the repository's own config. */
export function readConfig(gitdir: string): GitConfig {
  const config: GitConfig = new Map();
  if (!process.env.GIT_CONFIG_NOSYSTEM) parseConfig(readOptional('/etc/gitconfig'), config);
  const global = process.env.GIT_CONFIG_GLOBAL;
  if (global !== undefined) parseConfig(readOptional(global), config);
  else {
    parseConfig(readOptional(join(xdgConfigHome(), 'git', 'config')), config);
    parseConfig(readOptional(join(homedir(), '.gitconfig')), config);
  }
  parseConfig(readOptional(join(gitdir, 'config')), config);
  return config;
}

/** A repository's own config only (what decides its format). */
export function readRepoConfig(gitdir: string): GitConfig {
  return parseConfig(readOptional(join(gitdir, 'config')));
}

export function configBool(config: GitConfig, key: string, fallback: boolean): boolean {
  const value = config.get(key);
  if (value === undefined) return fallback;
  return /^(true|yes|on|1)$/i.test(value) ? true : /^(false|no|off|0|)$/i.test(value) ? false : fallback;
}
