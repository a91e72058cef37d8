/**
 * `npm run bench`: prints figures for the committed bundle (dist/index.js) run as the
 * Actions runner runs it, against the fake SMS server. Not a test: nothing is asserted
 * beyond "the run deleted everything".
 *
 *   npm run bench -- --node /path/to/node   run the bundle on another node binary
 *   npm run bench -- --rss preload          measure peak RSS with the preload, not /usr/bin/time
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { availableParallelism, cpus, arch, platform, release } from 'node:os'
import { FAKE_TOKEN, FakeSms, sampleIds } from '../__tests__/fake-sms/server.js'
import { INPUT_DEFAULTS } from '../src/inputs.js'
import {
  DIST_ENTRY,
  inheritedEnv,
  runDist,
  type DistOptions
} from '../__tests__/helpers/action-run.js'

const TOTAL_IDS = 1000 // the account maximum
const BATCH_SIZE = 50
const LATENCY_MS = 40
const RUNS = 3
const COLD_RUNS = 15
const RSS_RUNS = 3
const DEFAULT_CONCURRENCY = Number(INPUT_DEFAULTS.concurrency)

// ── command line ─────────────────────────────────────────────────────────────────
function option(name: string): string | undefined {
  const argv = process.argv.slice(2)
  const index = argv.indexOf(name)
  return index === -1 ? undefined : argv[index + 1]
}
const nodeBinary = option('--node') ?? process.execPath
const forcePreload = option('--rss') === 'preload'

// ── helpers ──────────────────────────────────────────────────────────────────────
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
const ms = (value: number): string => `${value.toFixed(0)} ms`
const spread = (values: readonly number[]): string =>
  `${ms(median(values))} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`
const ratio = (value: number): string => `${value.toFixed(2)}×`
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`

/** A plain-text table: first column left-aligned, the others right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(' │ ')
      .trimEnd()
  const separator = widths.map((w) => '─'.repeat(w)).join('─┼─')
  return [line(header), separator, ...rows.map(line)].map((l) => `  ${l}`).join('\n')
}

interface DeleteRun {
  processMs: number
  /** First request's arrival to last response's close, at the fake. */
  serverMs: number
  /** performance.now() of the first request's arrival, minus that of the spawn. */
  firstRequestMs: number
  requests: number
  stderr: string
}

/** Deletes `ids` with a fresh fake server; throws unless every ID was deleted. */
async function deleteAll(
  ids: string[],
  concurrency: number,
  latencyMs: number,
  options: DistOptions = {}
): Promise<DeleteRun> {
  const fake = await new FakeSms({ servers: ids, latencyMs }).start()
  try {
    const run = await runDist(
      {
        ids: ids.join('\n'),
        token: FAKE_TOKEN,
        endpoint: fake.url,
        'batch-size': String(BATCH_SIZE),
        concurrency: String(concurrency)
      },
      { node: nodeBinary, ...options }
    )
    if (run.exitCode !== 0 || run.outputs['deleted-count'] !== String(ids.length)) {
      throw new Error(
        `run failed: exit ${run.exitCode}, deleted-count ${run.outputs['deleted-count']}\n` +
          `${run.log.slice(-2000)}\n${run.stderr.slice(-2000)}`
      )
    }
    const first = Math.min(...fake.requests.map((r) => r.arrivedAt))
    const last = Math.max(...fake.requests.map((r) => r.closedAt ?? r.arrivedAt))
    return {
      processMs: run.exitedAt - run.spawnedAt,
      serverMs: last - first,
      firstRequestMs: first - run.spawnedAt,
      requests: fake.requests.length,
      stderr: run.stderr
    }
  } finally {
    await fake.stop()
  }
}

// ── peak RSS method ──────────────────────────────────────────────────────────────
const TIME_BIN = '/usr/bin/time'
const PRELOAD =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss-kb="+process.resourceUsage().maxRSS+"\\n"))'

interface RssMethod {
  name: string
  options: DistOptions
  /** Peak RSS in kB from a run's stderr. */
  parse: (stderr: string) => number | undefined
}

const timeMethod: RssMethod = {
  name: `${TIME_BIN} -v ("Maximum resident set size")`,
  options: { wrapper: [TIME_BIN, '-v'] },
  parse: (stderr) => {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)
    return match ? Number(match[1]) : undefined
  }
}
const preloadMethod: RssMethod = {
  name: 'node --import <preload> (process.resourceUsage().maxRSS on exit)',
  options: { nodeArgs: ['--import', PRELOAD] },
  parse: (stderr) => {
    const match = /maxrss-kb=(\d+)/.exec(stderr)
    return match ? Number(match[1]) : undefined
  }
}

function rssMethod(): RssMethod {
  if (!forcePreload && existsSync(TIME_BIN)) {
    const probe = spawnSync(TIME_BIN, ['-v', nodeBinary, '-e', ''], { encoding: 'utf8' })
    if (probe.status === 0 && timeMethod.parse(probe.stderr) !== undefined) return timeMethod
  }
  return preloadMethod
}

/** Peak RSS of bare `node -e ''` under the same method, for scale. */
function bareRss(method: RssMethod): number | undefined {
  const command = [
    ...(method.options.wrapper ?? []),
    nodeBinary,
    ...(method.options.nodeArgs ?? []),
    '-e',
    ''
  ]
  const [file, ...args] = command as [string, ...string[]]
  return method.parse(spawnSync(file, args, { encoding: 'utf8' }).stderr)
}

// ── the bench ────────────────────────────────────────────────────────────────────
const started = performance.now()
const nodeVersion = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim()
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
const batches = Math.ceil(TOTAL_IDS / BATCH_SIZE)
const ids = sampleIds(TOTAL_IDS)

console.log(`sms-cleanup bench — ${new Date().toISOString()}`)
console.log(
  `  machine   ${cpu}, ${availableParallelism()} cores, ${platform()} ${release()} ${arch()}`
)
console.log(
  `  node      ${nodeVersion} (${nodeBinary}) runs the action; the bench runs on ${process.version}`
)
console.log(
  `  bundle    ${DIST_ENTRY} (${(statSync(DIST_ENTRY).size / 1024).toFixed(0)} KB), spawned as the runner does`
)
console.log(
  `  fake SMS  127.0.0.1, ${LATENCY_MS} ms added to every response, in the bench process (same clock)`
)

// Warm-up: fills the OS file cache with node and the bundle; not measured.
await deleteAll(ids, DEFAULT_CONCURRENCY, 0)

const concurrencies = [...new Set([1, 2, 4, DEFAULT_CONCURRENCY])].sort((a, b) => a - b)
const rows: string[][] = []
for (const concurrency of concurrencies) {
  const runs: DeleteRun[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await deleteAll(ids, concurrency, LATENCY_MS))
  const server = median(runs.map((r) => r.serverMs))
  const ideal = Math.ceil(batches / concurrency) * LATENCY_MS
  const idealFirstAlone = (1 + Math.ceil((batches - 1) / concurrency)) * LATENCY_MS
  const requests = [...new Set(runs.map((r) => r.requests))].join('/')
  rows.push([
    `${concurrency}${concurrency === DEFAULT_CONCURRENCY ? ' (default)' : ''}`,
    `${requests} (min ${batches})`,
    spread(runs.map((r) => r.processMs)),
    spread(runs.map((r) => r.serverMs)),
    ms(ideal),
    ratio(server / ideal),
    ms(idealFirstAlone),
    ratio(server / idealFirstAlone)
  ])
}
console.log(
  `\nDelete ${TOTAL_IDS.toLocaleString('en')} IDs, batch-size ${BATCH_SIZE} (${batches} batches), ` +
    `${LATENCY_MS} ms per request; median (min–max) of ${RUNS} runs after 1 warm-up`
)
console.log(
  table(
    [
      'concurrency',
      'requests',
      'process wall',
      'server span',
      'ideal',
      'span/ideal',
      'ideal, 1st alone',
      'span/ideal'
    ],
    rows
  )
)
console.log(
  `  process wall: spawn of node to its exit (includes node start-up and exit).
  server span:  first request's arrival to last response's close, at the fake server.
  ideal:        ceil(batches / concurrency) × latency.
  1st alone:    (1 + ceil((batches − 1) / concurrency)) × latency — the action sends batch 1
                by itself, so a bad credential costs one request, then runs the rest in parallel.
  requests:     delete requests the fake received, against the minimum ceil(IDs / batch-size).`
)

// Cold start, interleaved with bare node so drift affects both alike.
const cold: number[] = []
const bare: number[] = []
for (let i = 0; i < COLD_RUNS; i++) {
  bare.push(await timeSpawn(nodeBinary, ['-e', '']))
  cold.push((await deleteAll(ids, DEFAULT_CONCURRENCY, 0)).firstRequestMs)
}
const coldMedian = median(cold)
const bareMedian = median(bare)
console.log(`\nCold start: median (min–max) of ${COLD_RUNS} runs, ${TOTAL_IDS} IDs, no latency`)
console.log(
  table(
    ['measure', 'time'],
    [
      ['spawn of `node dist/index.js` → first request at the fake', spread(cold)],
      ["spawn of bare `node -e ''` → its exit", spread(bare)],
      ['ratio', ratio(coldMedian / bareMedian)]
    ]
  )
)

// Peak RSS.
const method = rssMethod()
const rss: number[] = []
for (let i = 0; i < RSS_RUNS; i++) {
  const run = await deleteAll(ids, DEFAULT_CONCURRENCY, LATENCY_MS, method.options)
  const kb = method.parse(run.stderr)
  if (kb === undefined) throw new Error(`no peak RSS in the action's stderr:\n${run.stderr}`)
  rss.push(kb)
}
const bareKb = bareRss(method)
console.log(`\nPeak RSS: median of ${RSS_RUNS} runs; measured with ${method.name}`)
console.log(
  table(
    ['process', 'peak RSS'],
    [
      [
        `action: ${TOTAL_IDS} IDs, batch-size ${BATCH_SIZE}, concurrency ${DEFAULT_CONCURRENCY}`,
        `${mb(median(rss))} (${mb(Math.min(...rss))}–${mb(Math.max(...rss))})`
      ],
      ["bare `node -e ''`", bareKb === undefined ? 'n/a' : mb(bareKb)]
    ]
  )
)

console.log(`\nBench took ${((performance.now() - started) / 1000).toFixed(1)} s.`)

/** Spawns a command with no output captured and resolves with the time from spawn to exit, in ms. */
async function timeSpawn(file: string, args: string[]): Promise<number> {
  const spawnedAt = performance.now()
  const child = spawn(file, args, { stdio: 'ignore', env: inheritedEnv() })
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', () => resolve(performance.now() - spawnedAt))
  })
}
