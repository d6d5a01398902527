/**
 * Dates and times as integers, without JS Date (which has millisecond precision and shifts by
 * time zone). Days are counted from 1970-01-01 in the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil), which is what Parquet DATE and TIMESTAMP use.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const DATE = /^(\d{4,})-(\d{2})-(\d{2})/;

/** `YYYY-MM-DD` → days since 1970-01-01, or null when the text is not a plain date. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (!m || m[0].length !== text.length) return null;
  return checkedDays(+m[1], +m[2], +m[3]);
}

function checkedDays(y: number, mo: number, d: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const days = daysFromCivil(y, mo, d);
  const [yy, mm, dd] = civilFromDays(days);
  return yy === y && mm === mo && dd === d ? days : null;
}

const DATETIME = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` → microseconds since 1970-01-01T00:00:00. An offset
 * (PostgreSQL timestamptz under a UTC session prints `+00`) is applied, giving UTC.
 */
export function parseDatetime(text: string): bigint | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const days = checkedDays(+m[1], +m[2], +m[3]);
  const h = +m[4], mi = +m[5], s = +m[6];
  if (days === null || h > 23 || mi > 59 || s > 59) return null;
  const frac = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  let seconds = days * 86400 + h * 3600 + mi * 60 + s;
  if (m[8]) seconds -= (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60);
  return BigInt(seconds) * 1_000_000n + BigInt(frac);
}

const TIME = /^(-)?(\d{2,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** `[-]HHH:MM:SS[.ffffff]` (MySQL TIME spans ±838 h) → signed microseconds. */
export function parseTime(text: string): bigint | null {
  const m = TIME.exec(text);
  if (!m || +m[3] > 59 || +m[4] > 59) return null;
  const frac = m[5] ? BigInt(m[5].padEnd(6, '0')) : 0n;
  const us = BigInt(+m[2] * 3600 + +m[3] * 60 + +m[4]) * 1_000_000n + frac;
  return m[1] ? -us : us;
}

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Microseconds → `YYYY-MM-DD HH:MM:SS[.ffffff]` with exactly `fsp` fractional digits. */
export function formatDatetime(us: bigint, fsp = 6): string {
  let days = us / 86_400_000_000n;
  let rest = us % 86_400_000_000n;
  if (rest < 0n) {
    rest += 86_400_000_000n;
    days -= 1n;
  }
  return `${formatDate(Number(days))} ${formatClock(rest, fsp)}`;
}

/** Signed microseconds → `[-]HH:MM:SS[.ffffff]` with exactly `fsp` fractional digits. */
export function formatTime(us: bigint, fsp = 6): string {
  const neg = us < 0n;
  return `${neg ? '-' : ''}${formatClock(neg ? -us : us, fsp)}`;
}

function formatClock(us: bigint, fsp: number): string {
  const totalSeconds = us / 1_000_000n;
  const frac = us % 1_000_000n;
  const h = totalSeconds / 3600n;
  const mi = (totalSeconds % 3600n) / 60n;
  const s = totalSeconds % 60n;
  const base = `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  return fsp > 0 ? `${base}.${pad(frac, 6).slice(0, fsp)}` : base;
}
