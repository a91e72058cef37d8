import type { ApiClient, CallResult } from './client.js'

export type LogLine = (line: string) => void

/** The SMS calls this action makes. Paths carry no project ID: SMS is a global service. */
export class SmsApi {
  constructor(private readonly client: ApiClient) {}

  /** POST /v3/sources/delete with 1 to 50 IDs. */
  deleteSources(ids: readonly string[], label: string, log: LogLine): Promise<CallResult> {
    return this.client.call('POST', '/v3/sources/delete', {
      label,
      log,
      body: JSON.stringify({ ids })
    })
  }

  /** GET /v3/sources, one page. A page of 200 servers can exceed the error-body limit, so allow more. */
  listSources(offset: number, limit: number, log: LogLine): Promise<CallResult> {
    return this.client.call('GET', `/v3/sources?limit=${limit}&offset=${offset}`, {
      label: `List (offset ${offset})`,
      log,
      maxBodyBytes: 32 * 1024 * 1024
    })
  }

  /** GET /v3/sources/{id}: used to learn whether a server still exists. */
  showSource(id: string, label: string, log: LogLine): Promise<CallResult> {
    return this.client.call('GET', `/v3/sources/${encodeURIComponent(id)}`, { label, log })
  }
}
