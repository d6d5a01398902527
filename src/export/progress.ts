/**
 * Progress events of an export or import, and a renderer for terminals: one line per table
 * that redraws in place (rows, rows/s), then a final line. Nothing is drawn when the stream is
 * not a TTY, so logs and `--json` output stay clean.
 */
export type ProgressEvent =
  | { type: 'phase'; phase: string }
  | { type: 'table-start'; schema: string; table: string; totalRows: number }
  | { type: 'table-rows'; schema: string; table: string; rows: number; totalRows: number }
  | { type: 'table-done'; schema: string; table: string; rows: number; seconds: number }
  | { type: 'objects'; done: number; total: number; bytes: number }
  | { type: 'warning'; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

export function terminalProgress(stream: NodeJS.WriteStream): ProgressListener {
  let started = 0;
  let lastDraw = 0;
  const width = () => Math.max(40, Math.min(stream.columns ?? 80, 120));
  const draw = (text: string, final = false) => {
    stream.write(`\r\x1b[2K${text.slice(0, width() - 1)}${final ? '\n' : ''}`);
  };
  return (e) => {
    const now = Date.now();
    switch (e.type) {
      case 'phase':
        draw(e.phase, true);
        break;
      case 'table-start':
        started = now;
        draw(`${e.schema}.${e.table}  0/${e.totalRows.toLocaleString('en-US')} rows`);
        break;
      case 'table-rows': {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        const rate = e.rows / Math.max((now - started) / 1000, 1e-3);
        const frac = e.totalRows ? Math.min(e.rows / e.totalRows, 1) : 1;
        const bar = '#'.repeat(Math.round(frac * 20)).padEnd(20, '.');
        draw(`${e.schema}.${e.table}  [${bar}] ${e.rows.toLocaleString('en-US')}/${e.totalRows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s`);
        break;
      }
      case 'table-done': {
        const rate = e.rows / Math.max(e.seconds, 1e-3);
        draw(`${e.schema}.${e.table}  ${e.rows.toLocaleString('en-US')} rows  ${e.seconds.toFixed(1)} s  ${Math.round(rate).toLocaleString('en-US')} rows/s`, true);
        break;
      }
      case 'objects':
        if (now - lastDraw < 100 && e.done < e.total) return;
        lastDraw = now;
        draw(`objects  ${e.done}/${e.total}  ${(e.bytes / 1e6).toFixed(1)} MB`, e.done === e.total);
        break;
      case 'warning':
        draw(`warning: ${e.message}`, true);
        break;
    }
  };
}
