/**
 * Seeded random faults: many runs over a few hundred IDs with a random mix of 503s,
 * 500s, 429s, resets and lost responses. Whatever happens, every requested ID is
 * reported exactly once, an ID is reported deleted only if it is really gone, and
 * the token never reaches the log. Set CHAOS_SEED to replay one run.
 */
import { describe, expect, it } from '@jest/globals'
import { FAKE_TOKEN, FakeSms, sampleIds, type Fault } from './fake-sms/server.js'
import { runInProcess } from './helpers/action-run.js'

/** mulberry32: small, fast, good enough to drive a test. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAULTS: Fault[] = [
  { kind: 'respond', status: 503, body: '<html>Service Unavailable</html>' },
  {
    kind: 'respond',
    status: 500,
    body: '{"error_code":"SMS.2007","error_msg":"backend exception"}'
  },
  { kind: 'respond', status: 429, body: '{"error_code":"APIGW.0308","error_msg":"throttled"}' },
  { kind: 'reset' },
  { kind: 'drop-after-commit' }
]

async function chaosRun(seed: number): Promise<void> {
  const random = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const existing = sampleIds(250 + Math.floor(random() * 100), seed)
  // A few IDs that do not exist, so some batches fail for good.
  const ghosts = random() < 0.5 ? sampleIds(3, seed + 1000) : []
  const requested = [...existing, ...ghosts].sort(() => random() - 0.5)
  const faultRate = 0.15 + random() * 0.3
  const server = await new FakeSms({
    servers: existing,
    unknownIdStatus: pick([400, 404]),
    faultFor: (request) =>
      request.route !== 'list' && random() < faultRate ? pick(FAULTS) : undefined
  }).start()
  try {
    const run = await runInProcess(
      {
        ids: requested.join('\n'),
        token: FAKE_TOKEN,
        endpoint: server.url,
        'batch-size': String(pick([50, 20, 7])),
        concurrency: String(1 + Math.floor(random() * 4)),
        'max-retries': String(pick([0, 2, 3, 5]))
      },
      { sleep: async () => {}, random },
      { RUNNER_DEBUG: '1' }
    )
    const deleted = JSON.parse(run.outputs['deleted-ids'] ?? 'null') as string[]
    const failed = JSON.parse(run.outputs['failed-ids'] ?? 'null') as string[]
    const batchIds = (name: string): string[] =>
      (JSON.parse(run.outputs[name] ?? 'null') as { ids: string[] }[]).flatMap((b) => b.ids)

    expect([...deleted, ...failed].sort()).toEqual([...requested].sort())
    expect(new Set([...deleted, ...failed]).size).toBe(requested.length)
    expect(batchIds('deleted-batches').sort()).toEqual([...deleted].sort())
    expect(batchIds('failed-batches').sort()).toEqual([...failed].sort())
    expect(run.outputs['deleted-count']).toBe(String(deleted.length))
    expect(run.outputs['failed-count']).toBe(String(failed.length))
    for (const id of deleted) expect(server.servers.has(id)).toBe(false)
    // A missing ID counts as deleted only through the check after a lost response.
    for (const id of ghosts) {
      if (!failed.includes(id)) expect(run.log).toContain(`${id}: already absent`)
    }
    expect(run.exitCode).toBe(failed.length > 0 ? 1 : 0)
    expect(run.log.replaceAll(`::add-mask::${FAKE_TOKEN}`, '')).not.toContain(FAKE_TOKEN)
    expect(run.log).toContain('::debug::')
  } finally {
    await server.stop()
  }
}

describe('accounting under random faults', () => {
  const seeds = process.env.CHAOS_SEED
    ? [Number(process.env.CHAOS_SEED)]
    : Array.from({ length: 25 }, (_, i) => 1000 + i * 7919)

  it(`holds for ${seeds.length} seeded runs`, async () => {
    for (const seed of seeds) {
      try {
        await chaosRun(seed)
      } catch (error) {
        throw new Error(
          `chaos run failed; replay with CHAOS_SEED=${seed}\n${(error as Error).message}`,
          { cause: error }
        )
      }
    }
  }, 120_000)
})
