/**
 * The dates IAM's older parser accepts in Date* conditions (it runs on every document, so
 * a value it cannot read makes the whole document fail "legacy parsing"). A value with a
 * `T` or a `-` is read as ISO 8601 — any prefix of `year-month-dayThh:mm:ss.fraction`,
 * then `Z` or a `±hh[:mm]` offset — and anything else as whole seconds since the epoch.
 * Ranges are those of Java's dates: years -292275054 to 292278993, seconds up to 2^63-1.
 */

const INTEGER = /^[+-]?\d+$/;

function integerIn(text: string | undefined, min: number, max: number): boolean {
  if (text === undefined || !INTEGER.test(text)) return false;
  const value = Number(text);
  return value >= min && value <= max;
}

function validIsoDate(date: string): boolean {
  const negative = date.startsWith('-');
  const parts = (negative ? date.slice(1) : date).split('-');
  if (parts.length > 3) return false;
  if (!integerIn(negative ? `-${parts[0]}` : parts[0], -292275054, 292278993)) return false;
  if (parts.length > 1 && !integerIn(parts[1], 1, 12)) return false;
  if (parts.length > 2 && !integerIn(parts[2], 1, 31)) return false;
  return true;
}

function validOffset(offset: string): boolean {
  const colon = offset.indexOf(':');
  const hours = colon < 0 ? offset : offset.slice(0, colon);
  if (hours.length !== 2 || !integerIn(hours, 0, 23)) return false;
  return colon < 0 || (offset.length - colon - 1 === 2 && integerIn(offset.slice(colon + 1), 0, 59));
}

function validSeconds(text: string): boolean {
  let seconds = text;
  const zone = text.indexOf('z');
  const offset = text.search(/[+-]/);
  if (zone >= 0) {
    if (zone !== text.length - 1) return false;
    seconds = text.slice(0, zone);
  } else if (offset >= 0) {
    if (!validOffset(text.slice(offset + 1))) return false;
    seconds = text.slice(0, offset);
  }
  const dot = seconds.indexOf('.');
  if (dot < 0) return integerIn(seconds, 0, 59);
  return integerIn(seconds.slice(0, dot), 0, 59) && integerIn(seconds.slice(dot + 1), 0, 999_999_999);
}

function validIsoTime(time: string): boolean {
  // The parser looks at the first three colon-separated fields only.
  const [hours, minutes, seconds] = time.split(':');
  if (hours !== '' && !integerIn(hours, 0, 23)) return false;
  if (minutes !== undefined && !integerIn(minutes, 0, 59)) return false;
  if (seconds !== undefined && !validSeconds(seconds)) return false;
  return true;
}

/** Whether IAM's legacy parser reads this Date* condition value. */
export function isLegacyDate(value: string): boolean {
  const lower = value.toLowerCase();
  if (lower.includes('t') || value.includes('-')) {
    const t = lower.indexOf('t');
    return t < 0 ? validIsoDate(lower) : validIsoDate(lower.slice(0, t)) && validIsoTime(lower.slice(t + 1));
  }
  if (!/^\+?\d+$/.test(value)) return false;
  return BigInt(value) <= 9223372036854775807n;
}
