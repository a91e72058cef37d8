import * as core from '@actions/core'
import type { DeleteBatchResult } from './results.js'

/** Every output the action sets. A test keeps this list and action.yml identical. */
export const OUTPUT_NAMES = [
  'planned-ids',
  'deleted-ids',
  'failed-ids',
  'deleted-count',
  'failed-count',
  'deleted-batches',
  'failed-batches'
] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]
export type OutputValues = Record<OutputName, string>

/**
 * The outputs for the planned IDs and the batch results. No batches: an empty run,
 * a dry run, or input we rejected.
 */
export function buildOutputs(
  batches: readonly DeleteBatchResult[],
  plannedIds: readonly string[] = []
): OutputValues {
  const deletedIds = batches.flatMap((b) => b.deletedIds)
  const failedIds = batches.flatMap((b) => b.failedIds)
  const deletedBatches = batches
    .filter((b) => b.deletedIds.length > 0)
    .map((b) => ({ batch: b.batch, ids: b.deletedIds }))
  const failedBatches = batches
    .filter((b) => b.failedIds.length > 0)
    .map((b) => ({
      batch: b.batch,
      ids: b.failedIds,
      status: b.failure?.status ?? null,
      error_code: b.failure?.errorCode ?? '',
      error_msg: b.failure?.errorMsg ?? ''
    }))
  return {
    'planned-ids': JSON.stringify(plannedIds),
    'deleted-ids': JSON.stringify(deletedIds),
    'failed-ids': JSON.stringify(failedIds),
    'deleted-count': String(deletedIds.length),
    'failed-count': String(failedIds.length),
    'deleted-batches': JSON.stringify(deletedBatches),
    'failed-batches': JSON.stringify(failedBatches)
  }
}

export function setOutputs(outputs: OutputValues): void {
  for (const name of OUTPUT_NAMES) core.setOutput(name, outputs[name])
}
