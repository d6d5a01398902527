/**
 * gitignore matching (gitignore(5)): per-directory `.gitignore` files, `.git/info/exclude` and
 * `core.excludesFile`, with git's precedence (deeper files and later lines win). Used only to
 * decide whether an untracked file makes the working tree dirty, so it must agree with git:
 * the tests compare it with `git check-ignore`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { xdgConfigHome, type GitConfig } from './config.js';

interface Pattern {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
  /** No slash in the pattern: it matches a name at any depth below `base`. */
  anyDepth: boolean;
  /** Directory of the file that defined it, '' or ending in '/'. */
  base: string;
}

function classToRegex(glob: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < glob.length; i++) {
    const c = glob[i];
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '[' && glob[i + 1] === ':') {
      const close = glob.indexOf(':]', i + 2);
      if (close > 0) {
        const name = glob.slice(i + 2, close);
        const posix: Record<string, string> = {
          alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', digit: '0-9', lower: 'a-z', upper: 'A-Z',
          space: ' \\t\\n\\r\\f\\v', xdigit: '0-9a-fA-F', punct: '!-\\/:-@\\[-`{-~', blank: ' \\t',
        };
        if (posix[name]) {
          body += posix[name];
          i = close + 1;
          continue;
        }
      }
    }
    if (c === '\\' && i + 1 < glob.length) {
      body += `\\${glob[++i]}`;
    } else if (c === '/') {
      // a class never matches the separator
      continue;
    } else {
      body += /[\]\\^]/.test(c) ? `\\${c}` : c;
    }
  }
  return null;
}

/** Translates one gitignore glob (wildmatch with FNM_PATHNAME) into an anchored regex source. */
export function globToRegex(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        let j = i;
        while (glob[j] === '*') j++;
        const atEnd = j === glob.length || glob[j] === '/';
        if (atStart && atEnd) {
          if (j === glob.length) {
            re += '.*';
            i = j - 1;
          } else {
            re += '(?:.*/)?';
            i = j; // also consume the slash
          }
          continue;
        }
        re += '[^/]*';
        i = j - 1;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const cls = classToRegex(glob, i);
      if (cls) {
        re += cls.re;
        i = cls.end;
      } else re += '\\[';
    } else if (c === '\\' && i + 1 < glob.length) {
      re += escapeRegex(glob[++i]);
    } else {
      re += escapeRegex(c);
    }
  }
  return `^${re}$`;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

export function parseIgnoreFile(text: string, base: string, ignoreCase: boolean): Pattern[] {
  const patterns: Pattern[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    // Trailing spaces are dropped unless escaped.
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (!line) continue;
    const anyDepth = !line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    patterns.push({ regex: new RegExp(globToRegex(line), ignoreCase ? 'i' : ''), negate, dirOnly, anyDepth, base });
  }
  return patterns;
}

/** An immutable rule set; `child` adds a directory's `.gitignore`. */
export class IgnoreRules {
  private constructor(private readonly patterns: Pattern[], private readonly ignoreCase: boolean) {}

  /** Rules from core.excludesFile and .git/info/exclude (the root .gitignore is added by the walk). */
  static forRepository(gitdir: string, config: GitConfig): IgnoreRules {
    const ignoreCase = /^(true|yes|on|1)$/i.test(config.get('core.ignorecase') ?? 'false');
    const configured = config.get('core.excludesfile');
    const globalFile = configured
      ? configured.replace(/^~(?=\/)/, homedir())
      : join(xdgConfigHome(), 'git', 'ignore');
    const patterns = [
      ...parseIgnoreFile(readOptional(globalFile), '', ignoreCase),
      ...parseIgnoreFile(readOptional(join(gitdir, 'info', 'exclude')), '', ignoreCase),
    ];
    return new IgnoreRules(patterns, ignoreCase);
  }

  static fromText(text: string, ignoreCase = false): IgnoreRules {
    return new IgnoreRules(parseIgnoreFile(text, '', ignoreCase), ignoreCase);
  }

  /** The rules for directory `dirRel` ('' for the root), given the text of its `.gitignore`. */
  child(dirRel: string, gitignoreText: string | null): IgnoreRules {
    if (!gitignoreText) return this;
    const base = dirRel ? `${dirRel}/` : '';
    return new IgnoreRules([...this.patterns, ...parseIgnoreFile(gitignoreText, base, this.ignoreCase)], this.ignoreCase);
  }

  /** Whether `path` (relative to the work tree) is ignored, assuming its parent directories are not. */
  ignores(path: string, isDir: boolean): boolean {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const p = this.patterns[i];
      if (p.dirOnly && !isDir) continue;
      if (p.base && !path.startsWith(p.base)) continue;
      const rel = path.slice(p.base.length);
      const subject = p.anyDepth ? rel.slice(rel.lastIndexOf('/') + 1) : rel;
      if (p.regex.test(subject)) return !p.negate;
    }
    return false;
  }
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
