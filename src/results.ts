/** What happened to each batch: the record every output, log line and summary row is built from. */

/** Our own error codes, for failures that carry no code from the API. */
export const FailureCode = {
  notAttempted: 'NOT_ATTEMPTED',
  network: 'NETWORK_ERROR',
  timeout: 'TIMEOUT',
  internal: 'INTERNAL_ERROR'
} as const

export interface BatchFailure {
  /** HTTP status, or null when no response arrived. */
  status: number | null
  errorCode: string
  errorMsg: string
}

/** What happened to one batch. deletedIds and failedIds split ids exactly. */
export interface DeleteBatchResult {
  batch: number
  ids: string[]
  deletedIds: string[]
  failedIds: string[]
  /** Set whenever failedIds is not empty. */
  failure?: BatchFailure
  /** IDs we count as deleted because a check found them gone after a lost response. */
  alreadyAbsentIds: string[]
  /** Requests sent for the delete (0 when not attempted). */
  attempts: number
}

/** How many IDs the batches deleted and failed. */
export function tally(batches: readonly DeleteBatchResult[]): { deleted: number; failed: number } {
  let deleted = 0
  let failed = 0
  for (const batch of batches) {
    deleted += batch.deletedIds.length
    failed += batch.failedIds.length
  }
  return { deleted, failed }
}
