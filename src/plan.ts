/** One batch-delete request: its 1-based number and the IDs it carries. */
export interface BatchPlan {
  batch: number
  ids: string[]
}

/** Splits IDs into batches of at most `batchSize`, keeping input order. */
export function planBatches(ids: readonly string[], batchSize: number): BatchPlan[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize}`)
  const batches: BatchPlan[] = []
  for (let start = 0; start < ids.length; start += batchSize) {
    batches.push({ batch: batches.length + 1, ids: ids.slice(start, start + batchSize) })
  }
  return batches
}
