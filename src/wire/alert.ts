// RFC 8446 §6: struct { AlertLevel level; AlertDescription description; } Alert.
import { decodeError } from '../errors.js';

export interface Alert {
  level: number;
  description: number;
}

export function encodeAlert(alert: Alert): Uint8Array {
  return Uint8Array.of(alert.level, alert.description);
}

/** The content of one alert record: exactly two bytes (RFC 8446 §5.1: alerts are never fragmented or coalesced). */
export function decodeAlert(fragment: Uint8Array): Alert {
  if (fragment.length !== 2) throw decodeError(`alert of ${fragment.length} bytes, not 2`);
  return { level: fragment[0]!, description: fragment[1]! };
}
