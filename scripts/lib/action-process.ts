/**
 * Runs the committed bundle (dist/index.js) as the Actions runner does — INPUT_* env,
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a cwd outside the repo — and records when
 * the child was spawned and when it exited (performance.now(), the same clock FakeSms
 * uses for `arrivedAt` / `closedAt`). Shared by scripts/demo.ts and scripts/bench.ts.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DIST_ENTRY,
  inputEnv,
  parseOutputFile,
  type Inputs
} from '../../__tests__/helpers/action-run.js'

export { DIST_ENTRY }

export interface ActionProcessOptions {
  /** Node binary that runs the bundle (default: the one running this script). */
  node?: string
  /** Flags for node, before the bundle path. */
  nodeArgs?: string[]
  /** A command to run node under, such as ['/usr/bin/time', '-v']. */
  wrapper?: string[]
}

export interface ActionProcessRun {
  exitCode: number
  /** stdout: the runner's log, workflow commands included. */
  log: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** performance.now() just before spawn, and when the process exited. */
  spawnedAt: number
  exitedAt: number
}

/** Environment of this process without INPUT_* and NODE_OPTIONS (tsx's loader must not leak in). */
function baseEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !entry[0].startsWith('INPUT_') && entry[0] !== 'NODE_OPTIONS'
    )
  )
}

export async function runAction(
  inputs: Inputs,
  options: ActionProcessOptions = {}
): Promise<ActionProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sms-cleanup-script-'))
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') }
  writeFileSync(files.GITHUB_OUTPUT, '')
  writeFileSync(files.GITHUB_STEP_SUMMARY, '')
  const command = [
    ...(options.wrapper ?? []),
    options.node ?? process.execPath,
    ...(options.nodeArgs ?? []),
    DIST_ENTRY
  ]
  const [file, ...args] = command as [string, ...string[]]
  const spawnedAt = performance.now()
  const child = spawn(file, args, {
    cwd: dir,
    env: { ...baseEnv(), ...inputEnv(inputs), ...files },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  let exitedAt = 0
  child.on('exit', () => (exitedAt = performance.now()))
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? -1))
  })
  const outputs = parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  rmSync(dir, { recursive: true, force: true })
  return { exitCode, log, stderr, outputs, summary, spawnedAt, exitedAt }
}

/** Spawns a command with no output captured and resolves with the time from spawn to exit, in ms. */
export async function timeSpawn(file: string, args: string[]): Promise<number> {
  const spawnedAt = performance.now()
  const child = spawn(file, args, { stdio: 'ignore', env: baseEnv() })
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', () => resolve(performance.now() - spawnedAt))
  })
}
