/** Runs the action as the runner does, in-process (src) or as a child process (dist), and reads what it wrote. */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { RunDependencies } from '../../src/main.js'

export interface ActionRun {
  exitCode: number
  /** Everything written to stdout (the runner's log, with workflow commands). */
  log: string
  outputs: Record<string, string>
  summary: string
}

export type Inputs = Record<string, string>

/**
 * Tests never leave loopback: an endpoint a test does not set points at a closed local port
 * instead of Huawei Cloud (an SMS.9004 run would otherwise try to decode at the real IAM).
 */
export const LOOPBACK_DEFAULTS: Inputs = {
  endpoint: 'http://127.0.0.1:9',
  'iam-endpoint': 'http://127.0.0.1:9'
}

/** The runner's convention: INPUT_ + upper-cased name, spaces to underscores, hyphens kept. */
export function inputEnv(inputs: Inputs): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...LOOPBACK_DEFAULTS, ...inputs }).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value
    ])
  )
}

/** Parses a GITHUB_OUTPUT file: `name<<DELIM\nvalue\nDELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string
  return outputs
}

/** Variables a test must set itself, never inherit: inputs, credentials, debug and command files. */
function isRunnerVariable(key: string): boolean {
  return /^(INPUT_|HUAWEI_CLOUD_|GITHUB_|RUNNER_)/.test(key)
}

function commandFiles(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'sms-cleanup-run-'))
  const env = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') }
  writeFileSync(env.GITHUB_OUTPUT, '')
  writeFileSync(env.GITHUB_STEP_SUMMARY, '')
  return { dir, env }
}

function readResults(env: Record<string, string>, exitCode: number, log: string): ActionRun {
  return {
    exitCode,
    log,
    outputs: parseOutputFile(readFileSync(env.GITHUB_OUTPUT as string, 'utf8')),
    summary: readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8')
  }
}

/** Runs src/main.ts's run() in this process with the given inputs; restores env, stdout and exitCode. */
export async function runInProcess(
  inputs: Inputs,
  dependencies: Partial<RunDependencies> = {},
  extraEnv: Record<string, string> = {}
): Promise<ActionRun> {
  const { run } = await import('../../src/main.js')
  const { env } = commandFiles()
  const saved = { ...process.env }
  const write = process.stdout.write.bind(process.stdout)
  let log = ''
  for (const key of Object.keys(process.env)) if (isRunnerVariable(key)) delete process.env[key]
  Object.assign(process.env, inputEnv(inputs), env, extraEnv)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }) as typeof process.stdout.write
  try {
    await run(dependencies)
  } finally {
    process.stdout.write = write
    process.env = saved
  }
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0
  process.exitCode = undefined
  return readResults(env, exitCode, log)
}

export const DIST_ENTRY = resolve(import.meta.dirname, '../../dist/index.js')

/** Runs `node dist/index.js` as the runner does: INPUT_* env, command files, a cwd outside the repo. */
/** This process's environment, less what a run must set itself (and NODE_OPTIONS: jest's or tsx's flags). */
export function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !isRunnerVariable(entry[0]) && entry[0] !== 'NODE_OPTIONS'
    )
  )
}

export interface DistOptions {
  /** Extra environment, on top of the inputs and the command files. */
  env?: Record<string, string>
  /** The node binary (default: the one running this process). */
  node?: string
  /** Flags for node, before the bundle path. */
  nodeArgs?: string[]
  /** A command to run node under, such as ['/usr/bin/time', '-v']. */
  wrapper?: string[]
}

export interface DistRun extends ActionRun {
  stderr: string
  /** performance.now() just before spawn, and when the process exited. */
  spawnedAt: number
  exitedAt: number
}

/** Runs `node dist/index.js` as the runner does: INPUT_* env, command files, a cwd outside the repo. */
export async function runDist(inputs: Inputs, options: DistOptions = {}): Promise<DistRun> {
  const { dir, env } = commandFiles()
  const node = options.node ?? process.execPath
  const [file, ...args] = options.wrapper?.length ? [...options.wrapper, node] : [node]
  args.push(...(options.nodeArgs ?? []), DIST_ENTRY)
  const spawnedAt = performance.now()
  const child = spawn(file, args, {
    cwd: dir,
    env: { ...inheritedEnv(), ...inputEnv(inputs), ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  let stderr = ''
  let exitedAt = 0
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  child.on('exit', () => (exitedAt = performance.now()))
  const exitCode = await new Promise<number>((resolveExit, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolveExit(code ?? -1))
  })
  return { ...readResults(env, exitCode, log), stderr, spawnedAt, exitedAt }
}
