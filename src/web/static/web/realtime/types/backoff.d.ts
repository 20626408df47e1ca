export function backoffDelay(attempt: number, { baseMs, capMs, random }?: {
    baseMs?: number;
    capMs?: number;
    random?: () => number;
}): number;
