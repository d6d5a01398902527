/** The failures dj-serve reports on purpose; the CLI maps them to exit codes (errors/base.ts). */
import { DjSnapshotError, TargetError } from '../errors/base.js';

/** The socket server could not listen where asked (port taken, address not on this machine, …). */
export class ListenError extends TargetError {
  constructor(host: string, port: number, errno: string, detail: string) {
    const why = errno === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use (a PostgreSQL server, or another dj-serve?). Pass another --port, or --port 0 for any free port`
      : errno === 'EADDRNOTAVAIL'
        ? `${host} is not an address of this machine. Pass --host 127.0.0.1 (the default), or an address this machine has`
        : errno === 'EACCES'
          ? `this user may not listen on port ${port}. Use a port above 1023`
          : `${detail}. Check --host and --port`;
    super('serve_listen', `dj-serve cannot listen on ${host}:${port}: ${why}.`, { host, port, errno });
  }
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The start-up was interrupted (Ctrl-C, SIGTERM) before the server listened; nothing is left behind. */
export class ServeCancelledError extends DjSnapshotError {
  constructor(signal: string) {
    // 128 + signal number, as shells report a process ended by that signal.
    super('cancelled', `dj-serve was stopped (${signal}) before it started serving; nothing was left behind.`, { signal },
      128 + (SIGNAL_NUMBERS[signal] ?? 2));
  }
}
