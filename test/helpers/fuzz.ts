// Fuzz run counts: the defaults keep the suite fast; FUZZ_SCALE=20 (say) runs twenty times as many
// cases for a deeper search, and FUZZ_SEED replays one fast-check run.
const scale = Number(process.env.FUZZ_SCALE ?? '1');
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** fast-check parameters for `numRuns` cases at scale 1. */
export const runs = (numRuns: number): { numRuns: number; seed?: number } => ({
  numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
  ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
});
