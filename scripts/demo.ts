/**
 * `npm run demo`: runs the committed bundle (dist/index.js) against the fake SMS server
 * twice — a run where one batch is denied (SMS.9004), then a clean run — and shows the
 * log, the outputs and what the server received.
 *
 * `npm run demo -- --serve [port]`: only serves the fake SMS endpoint on 127.0.0.1:port
 * (default 8787), seeded with demo-0001 … demo-0120, until Ctrl-C.
 */
import {
  FAKE_TOKEN,
  FakeSms,
  sampleIds,
  type RecordedRequest
} from '../__tests__/fake-sms/server.js'
import { runDist, type DistRun } from '../__tests__/helpers/action-run.js'
import { forwardPort, type Forwarder } from './lib/fixed-port.js'

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const rule = (title: string): void => {
  console.log(`\n${bold(`── ${title} `.padEnd(100, '─'))}`)
}

/** ["a", "b", … "z"] → ["a", "b", "… 17 more …", "z"] for arrays longer than 4. */
function shorten(ids: unknown): unknown {
  if (!Array.isArray(ids) || ids.length <= 4) return ids
  return [...ids.slice(0, 2), `… ${ids.length - 3} more …`, ids[ids.length - 1]]
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function printOutputs(outputs: Record<string, string>): void {
  const ids = (name: string): string => {
    const value = parseJson(outputs[name])
    return Array.isArray(value)
      ? `${value.length} IDs ${JSON.stringify(shorten(value))}`
      : String(outputs[name])
  }
  const deletedBatches = parseJson(outputs['deleted-batches'])
  const failedBatches = parseJson(outputs['failed-batches'])
  console.log(`deleted-count    ${outputs['deleted-count']}`)
  console.log(`failed-count     ${outputs['failed-count']}`)
  console.log(`deleted-ids      ${ids('deleted-ids')}`)
  console.log(`failed-ids       ${ids('failed-ids')}`)
  if (Array.isArray(deletedBatches)) {
    const list = (deletedBatches as { batch: number; ids: string[] }[])
      .map((b) => `#${b.batch} (${b.ids.length} IDs)`)
      .join(', ')
    console.log(`deleted-batches  ${deletedBatches.length === 0 ? '[]' : list}`)
  } else {
    console.log(`deleted-batches  ${String(outputs['deleted-batches'])}`)
  }
  if (Array.isArray(failedBatches) && failedBatches.length > 0) {
    const shown = (failedBatches as Record<string, unknown>[]).map((b) => ({
      ...b,
      ids: shorten(b.ids)
    }))
    const text = JSON.stringify(shown, null, 2).replace(/\n/g, '\n                 ')
    console.log(`failed-batches   ${text}`)
  } else {
    console.log(`failed-batches   ${String(outputs['failed-batches'])}`)
  }
}

function printRequests(requests: readonly RecordedRequest[]): void {
  const start = requests[0]?.arrivedAt ?? 0
  console.log(`${requests.length} request(s):`)
  requests.forEach((r, i) => {
    const at = `+${(r.arrivedAt - start).toFixed(0)} ms`.padStart(8)
    const ids = r.ids ? `${r.ids.length} IDs`.padStart(7) : ''.padStart(7)
    console.log(
      `  ${String(i + 1).padStart(2)}. ${at}  ${r.method} ${r.path}  ${ids}  (${r.inFlight} in flight)`
    )
  })
}

function printRun(run: DistRun, server: FakeSms): void {
  rule('Action log (stdout, as the runner receives it)')
  process.stdout.write(run.log.endsWith('\n') || run.log === '' ? run.log : `${run.log}\n`)
  if (run.stderr.trim() !== '') {
    rule('stderr')
    process.stdout.write(run.stderr)
  }
  rule(`Exit code ${run.exitCode}, in ${(run.exitedAt - run.spawnedAt).toFixed(0)} ms`)
  rule('Outputs (from $GITHUB_OUTPUT; long ID lists shortened)')
  printOutputs(run.outputs)
  rule('What the fake SMS server received')
  printRequests(server.requests)
  console.log(`Source servers left on the fake: ${server.servers.size}`)
  if (run.summary.trim() !== '') {
    rule('Job summary ($GITHUB_STEP_SUMMARY, Markdown)')
    process.stdout.write(run.summary.endsWith('\n') ? run.summary : `${run.summary}\n`)
  }
}

async function demo(): Promise<boolean> {
  const problems: string[] = []

  // ── Run 1: 120 IDs, batch 3 denied ────────────────────────────────────────────
  const ids = sampleIds(120)
  const deniedId = ids[110] as string // in batch 3 (IDs 101–120)
  const first = await new FakeSms({ servers: ids, denyIds: [deniedId], latencyMs: 20 }).start()
  const idsInput = [
    '# Source servers left over from the March migration (ticket OPS-1234)',
    ...ids.slice(0, 60),
    ids[5], // listed twice by mistake: sent once, reported as a notice
    ...ids.slice(60)
  ].join('\n')

  console.log(bold('sms-cleanup demo'))
  console.log(`
This runs the committed bundle, dist/index.js, exactly as the Actions runner would
(INPUT_* environment variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files), against a
fake Huawei Cloud SMS endpoint on ${first.url}. No real cloud is contacted.

Run 1 deletes 120 source servers in batches of 50 (batch-size defaults to 50):
  - the 'ids' input has one ID per line, a '# comment' line, and one ID listed twice;
  - the fake answers 403 SMS.9004 (permission denied) to any batch containing
    ${deniedId}, which falls in batch 3.
Batch 1 goes alone; batches 2 and 3 then run side by side (concurrency defaults to 2).
Batch 2 is deleted, batch 3 is denied, and a denial stops the run (any later batch
would be reported NOT_ATTEMPTED). So run 1 is EXPECTED to fail: exit code 1,
100 deleted, 20 failed.

The log is printed as the runner receives it: on GitHub, ::group:: lines become
collapsible sections, ::error/::notice lines become annotations, and ::debug:: lines
are hidden unless step debug logging is on.`)

  let run: DistRun
  try {
    run = await runDist({
      ids: idsInput,
      token: FAKE_TOKEN,
      endpoint: first.url,
      'iam-endpoint': first.url
    })
    printRun(run, first)
  } finally {
    await first.stop()
  }
  console.log(`\n→ Exit code ${run.exitCode}: the failure above is the expected one.`)
  if (run.exitCode !== 1) problems.push(`run 1 exited ${run.exitCode}, expected 1`)
  if (run.outputs['deleted-count'] !== '100' || run.outputs['failed-count'] !== '20')
    problems.push(
      `run 1 reported ${run.outputs['deleted-count']} deleted / ${run.outputs['failed-count']} failed, expected 100 / 20`
    )

  // ── Run 2: 60 IDs, all deleted ─────────────────────────────────────────────────
  const ids2 = sampleIds(60, 1)
  const second = await new FakeSms({ servers: ids2, latencyMs: 20 }).start()
  console.log(
    `\n\n${bold('Run 2')}: 60 IDs given as a JSON array, batch-size 25, nothing denied → a green run.`
  )
  try {
    run = await runDist({
      ids: JSON.stringify(ids2),
      token: FAKE_TOKEN,
      endpoint: second.url,
      'batch-size': '25'
    })
    printRun(run, second)
  } finally {
    await second.stop()
  }
  if (run.exitCode !== 0) problems.push(`run 2 exited ${run.exitCode}, expected 0`)
  if (run.outputs['deleted-count'] !== '60' || run.outputs['failed-count'] !== '0')
    problems.push(
      `run 2 reported ${run.outputs['deleted-count']} deleted / ${run.outputs['failed-count']} failed, expected 60 / 0`
    )

  console.log('')
  if (problems.length > 0) {
    console.log(
      `The demo did not behave as expected:\n${problems.map((p) => `  - ${p}`).join('\n')}`
    )
    return false
  }
  console.log(
    'Demo OK: run 1 failed as intended (exit 1, batch 3 denied), run 2 succeeded (exit 0).\n' +
      'Try it by hand: npm run demo -- --serve 8787'
  )
  return true
}

async function serve(port: number): Promise<void> {
  const ids = Array.from({ length: 120 }, (_, i) => `demo-${String(i + 1).padStart(4, '0')}`)
  const fake = new FakeSms({
    servers: ids,
    // Not a fault: just a hook to log each request as it arrives.
    faultFor: (r) => {
      const what = r.ids ? ` (${r.ids.length} IDs)` : ''
      console.log(`${new Date().toISOString()}  ${r.method} ${r.path}${what}`)
      return undefined
    }
  })
  await fake.start()
  let forwarder: Forwarder
  try {
    forwarder = await forwardPort(port, fake.url)
  } catch (error) {
    await fake.stop()
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    console.error(
      inUse
        ? `Port ${port} on 127.0.0.1 is already in use; pick another: npm run demo -- --serve <port>`
        : `Cannot listen on 127.0.0.1:${port}: ${String(error)}`
    )
    process.exitCode = 1
    return
  }
  console.log(`Fake Huawei Cloud SMS endpoint serving on ${forwarder.url}
  endpoint: ${forwarder.url}
  token:    ${FAKE_TOKEN}
  servers:  ${ids[0]} … ${ids[ids.length - 1]} (${ids.length})

Run the bundle against it, for example:
  env INPUT_ENDPOINT=${forwarder.url} INPUT_TOKEN=${FAKE_TOKEN} \\
    INPUT_IDS="$(printf 'demo-%04d\\n' $(seq 1 75))" 'INPUT_BATCH-SIZE=20' \\
    node dist/index.js
(Without GITHUB_OUTPUT set, the outputs are printed as ::set-output lines.)
Ctrl-C to stop.
`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  console.log(
    `\nStopping; ${fake.requests.length} request(s) served, ${fake.servers.size} servers left.`
  )
  await forwarder.close()
  await fake.stop()
}

function servePort(argv: string[]): number | undefined {
  const index = argv.findIndex((a) => a === '--serve' || a.startsWith('--serve='))
  if (index === -1) return undefined
  const arg = argv[index] as string
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1]
  if (value === undefined || value.startsWith('--')) return 8787
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--serve: ${JSON.stringify(value)} is not a port number (1–65535)`)
  }
  return port
}

const port = servePort(process.argv.slice(2))
if (port !== undefined) {
  await serve(port)
} else {
  process.exitCode = (await demo()) ? 0 : 1
}
