import * as core from '@actions/core'
import { isAuthFailure, isSuccessStatus, parseApiError, requestIdOf } from './api-error.js'
import type { CallResult } from './client.js'
import { ActionError, DeniedError } from './errors.js'
import type { TargetConfig } from './config.js'
import { idProblem } from './ids.js'
import {
  describeSelection,
  matchesSelection,
  toSourceServer,
  type SourceServer
} from './selection.js'
import type { SmsApi } from './sms-api.js'

/** The largest page GET /v3/sources serves, and the largest offset it accepts. */
export const LIST_PAGE_SIZE = 200
const MAX_OFFSET = 65_535

/** The IDs this run means to delete, and for a selection, the servers behind them. */
export interface Targets {
  ids: string[]
  duplicates: string[]
  selected?: SourceServer[]
}

/** Resolves the target: the IDs given, or every listed server that matches the selection. */
export async function resolveTargets(
  target: TargetConfig,
  api: SmsApi,
  nowMs: number
): Promise<Targets> {
  if (target.kind === 'ids') return { ...target.ids }
  core.info(`Selecting source servers where ${describeSelection(target.filter)}.`)
  const servers = await listAllSources(api)
  const selected = servers.filter((server) => matchesSelection(server, target.filter, nowMs))
  const invalid = selected.filter((server) => idProblem(server.id) !== undefined)
  if (invalid.length > 0) {
    throw new ActionError(
      `The listing returned ${invalid.length} ID(s) this action cannot send, such as ${JSON.stringify(invalid[0]?.id)}; nothing was deleted.`
    )
  }
  core.info(`Listed ${servers.length} source server(s); ${selected.length} match the selection.`)
  return { ids: selected.map((server) => server.id), duplicates: [], selected }
}

/** Pages through GET /v3/sources until `count` servers are read or a page comes back empty. */
export async function listAllSources(api: SmsApi): Promise<SourceServer[]> {
  const byId = new Map<string, SourceServer>()
  let offset = 0
  for (;;) {
    const call = await api.listSources(offset, LIST_PAGE_SIZE, (line) => core.info(line))
    const page = parseListPage(call, offset)
    // Records can shift between pages while others delete; keep each ID once.
    for (const server of page.servers) byId.set(server.id, server)
    offset += page.servers.length
    if (page.servers.length === 0 || offset >= page.count) break
    if (offset > MAX_OFFSET)
      throw new ActionError(
        `Listing source servers: more than ${MAX_OFFSET} records; refusing to go on.`
      )
  }
  return [...byId.values()]
}

function parseListPage(
  call: CallResult,
  offset: number
): { count: number; servers: SourceServer[] } {
  const where = `Listing source servers (GET /v3/sources, offset ${offset})`
  const { response } = call
  if (!response)
    throw new ActionError(
      `${where} failed: ${call.networkError?.message ?? 'no response'}; nothing was deleted.`
    )
  if (!isSuccessStatus(response.status)) {
    const error = parseApiError(response.status, response.body, requestIdOf(response.headers))
    const message = `${where} failed: HTTP ${response.status} ${error.errorCode}: ${error.errorMsg}; nothing was deleted.`
    if (isAuthFailure(response.status)) throw new DeniedError(message, error)
    throw new ActionError(message)
  }
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    throw new ActionError(
      `${where}: the response is not JSON${response.truncated ? ' (cut at the size limit)' : ''}; nothing was deleted.`
    )
  }
  const { count, source_servers: items } = (body ?? {}) as {
    count?: unknown
    source_servers?: unknown
  }
  if (typeof count !== 'number' || !Array.isArray(items)) {
    throw new ActionError(
      `${where}: the response has no count or source_servers; nothing was deleted.`
    )
  }
  const servers = items.map(toSourceServer)
  if (servers.some((server) => server === undefined)) {
    throw new ActionError(`${where}: a listed server has no ID; nothing was deleted.`)
  }
  return { count, servers: servers as SourceServer[] }
}
