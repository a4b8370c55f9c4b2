/** Differences from tshark we accept, each with its reason. `frames` omitted = every frame of
 * that file for that field. Keep this list short and every entry explained. */
export interface Allowed {
  file: string;
  field: string;
  frames?: number[];
  reason: string;
}

export const ALLOWED: Allowed[] = [];

export function isAllowed(file: string, field: string, frame: number): boolean {
  return ALLOWED.some(
    (a) => file.endsWith(a.file) && a.field === field && (!a.frames || a.frames.includes(frame)),
  );
}
