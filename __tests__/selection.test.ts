import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../src/errors.js'
import {
  SMS_STATES,
  describeSelection,
  isSelectionEmpty,
  matchesSelection,
  parseDuration,
  parseNamePatterns,
  parseStates,
  toSourceServer,
  type SelectionFilter,
  type SourceServer
} from '../src/selection.js'

const MIN = 60 * 1000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2025, 0, 31, 12, 0, 0)

function server(overrides: Partial<SourceServer> = {}): SourceServer {
  return {
    id: 'id-1',
    name: 'web-01',
    state: 'finished',
    connected: false,
    addDate: NOW - 40 * DAY,
    ...overrides
  }
}

function filter(overrides: Partial<SelectionFilter> = {}): SelectionFilter {
  return { disconnectedOnly: false, ...overrides }
}

/** Runs fn, expects a ConfigError, and returns its message. */
function configErrorOf(fn: () => unknown): string {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ConfigError)
  return (caught as ConfigError).message
}

describe('SMS_STATES', () => {
  it('is the documented list of 19 states', () => {
    expect(SMS_STATES).toEqual([
      'unavailable',
      'waiting',
      'initialize',
      'replicate',
      'syncing',
      'stopping',
      'stopped',
      'skipping',
      'deleting',
      'clearing',
      'cleared',
      'clearfailed',
      'premigready',
      'premiged',
      'premigfailed',
      'cloning',
      'cutovering',
      'finished',
      'error'
    ])
  })
})

describe('toSourceServer', () => {
  it.each<[string, unknown, SourceServer | undefined]>([
    [
      'a complete item',
      { id: 'a', name: 'web', state: 'finished', connected: true, add_date: 1700000000000 },
      { id: 'a', name: 'web', state: 'finished', connected: true, addDate: 1700000000000 }
    ],
    [
      'connected false is kept',
      { id: 'a', name: 'web', state: 'error', connected: false, add_date: 5 },
      { id: 'a', name: 'web', state: 'error', connected: false, addDate: 5 }
    ],
    [
      'state is trimmed and lower-cased',
      { id: 'a', name: 'web', state: ' FINISHED ', connected: false, add_date: 1 },
      { id: 'a', name: 'web', state: 'finished', connected: false, addDate: 1 }
    ],
    [
      'missing optional fields',
      { id: 'a' },
      { id: 'a', name: '', state: '', connected: undefined, addDate: undefined }
    ],
    [
      'ill-typed optional fields',
      { id: 'a', name: 42, state: null, connected: 'false', add_date: 'yesterday' },
      { id: 'a', name: '', state: '', connected: undefined, addDate: undefined }
    ],
    [
      'connected as a number is unknown',
      { id: 'a', connected: 0 },
      { id: 'a', name: '', state: '', connected: undefined, addDate: undefined }
    ],
    [
      'add_date as a string of digits',
      { id: 'a', add_date: '1700000000000' },
      { id: 'a', name: '', state: '', connected: undefined, addDate: 1700000000000 }
    ],
    [
      'add_date NaN is unknown',
      { id: 'a', add_date: Number.NaN },
      { id: 'a', name: '', state: '', connected: undefined, addDate: undefined }
    ],
    [
      'add_date Infinity is unknown',
      { id: 'a', add_date: Number.POSITIVE_INFINITY },
      { id: 'a', name: '', state: '', connected: undefined, addDate: undefined }
    ],
    ['id missing', { name: 'web' }, undefined],
    ['id a number', { id: 7, name: 'web' }, undefined],
    ['id empty', { id: '', name: 'web' }, undefined],
    ['id blank', { id: '   ', name: 'web' }, undefined],
    ['null', null, undefined],
    ['a string', 'a', undefined],
    ['an array', [{ id: 'a' }], undefined],
    ['undefined', undefined, undefined]
  ])('%s', (_label, raw, expected) => {
    expect(toSourceServer(raw)).toEqual(expected)
  })
})

describe('parseStates', () => {
  it.each<[string, string, string[] | undefined]>([
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['only separators', ' , ,\n', undefined],
    ['one state', 'finished', ['finished']],
    ['comma-separated, trimmed', ' finished , error ', ['finished', 'error']],
    ['newline-separated', 'finished\nerror\r\nstopped', ['finished', 'error', 'stopped']],
    ['mixed case', 'Finished,ERROR', ['finished', 'error']],
    ['duplicates collapse', 'error,ERROR, error', ['error']],
    ['empty entries ignored', 'error,,finished,', ['error', 'finished']]
  ])('%s', (_label, raw, expected) => {
    const result = parseStates(raw)
    expect(result === undefined ? undefined : [...result]).toEqual(expected)
  })

  it('accepts every documented state', () => {
    expect(parseStates(SMS_STATES.join(','))?.size).toBe(SMS_STATES.length)
  })

  it('lists every unknown value in one ConfigError, with the valid states', () => {
    const message = configErrorOf(() => parseStates('finished, done, error, Failed, done'))
    expect(message).toContain("Input 'select-state'")
    expect(message).toContain('"done"')
    expect(message).toContain('"Failed"')
    expect(message).not.toContain('"finished"')
    expect(message).not.toContain('"error"')
    expect(message.match(/"done"/g)).toHaveLength(1)
    for (const state of SMS_STATES) expect(message).toContain(state)
  })

  it('rejects a single unknown value', () => {
    const message = configErrorOf(() => parseStates('finishd'))
    expect(message).toMatch(/^Input 'select-state': "finishd" is not an SMS state\. Valid states: /)
  })
})

describe('parseNamePatterns', () => {
  it.each<[string, string]>([
    ['empty', ''],
    ['blank', '  '],
    ['only separators', ',\n , ']
  ])('%s gives undefined', (_label, raw) => {
    expect(parseNamePatterns(raw)).toBeUndefined()
  })

  it('splits on commas and newlines, trims, ignores empty entries', () => {
    expect(parseNamePatterns(' web-* ,\n\ndb-?? ,, ')?.map((p) => p.pattern)).toEqual([
      'web-*',
      'db-??'
    ])
  })

  it.each<[string, string, boolean]>([
    // literal
    ['web-01', 'web-01', true],
    ['web-01', 'web-011', false],
    ['web-01', 'xweb-01', false],
    ['web-01', 'web-0', false],
    ['web-01', '', false],
    // regex metacharacters are literal
    ['web.01+(old)', 'web.01+(old)', true],
    ['web.01+(*)', 'web.01+(old)', true],
    ['web.01+(old)', 'webX01+(old)', false],
    ['web.01+(old)', 'web.0111(old)', false],
    ['web.01+(old)', 'web.01old', false],
    ['a|b', 'a', false],
    ['a|b', 'a|b', true],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['^x$', 'x', false],
    ['^x$', '^x$', true],
    ['a\\d', 'a1', false],
    ['a\\d', 'a\\d', true],
    ['a{2}', 'aa', false],
    ['.*', 'anything', false],
    ['.*', '.abc', true],
    // ?
    ['web-0?', 'web-01', true],
    ['web-0?', 'web-0', false],
    ['web-0?', 'web-012', false],
    ['?', '', false],
    ['?', 'é', true],
    ['?', '😀', true],
    ['??', 'ab', true],
    ['??', 'a', false],
    // * at the start, middle, end
    ['*-old', 'web-old', true],
    ['*-old', '-old', true],
    ['*-old', 'web-older', false],
    ['web-*-old', 'web-01-old', true],
    ['web-*-old', 'web--old', true],
    ['web-*-old', 'web-01-new', false],
    ['web-*', 'web-', true],
    ['web-*', 'web-01', true],
    ['web-*', 'web', false],
    ['web-*', 'db-web-01', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', 'x', true],
    ['*a*b*', 'xxaxxbxx', true],
    ['*a*b*', 'xxbxxaxx', false],
    ['a*b*c', 'abbbcbc', true],
    ['a*b*c', 'abbbcbd', false],
    ['*?', '', false],
    ['*?', 'x', true],
    // case-sensitive
    ['web-*', 'WEB-01', false],
    ['WEB-*', 'WEB-01', true],
    ['Web', 'web', false]
  ])('%j vs %j -> %s', (pattern, name, expected) => {
    const patterns = parseNamePatterns(pattern)
    expect(patterns).toHaveLength(1)
    expect(patterns?.[0]?.matches(name)).toBe(expected)
  })

  it('handles a pathological pattern quickly', () => {
    const [pattern] = parseNamePatterns('*a*a*a*a*a*a*a*a*b') ?? []
    const started = Date.now()
    expect(pattern?.matches('a'.repeat(5000))).toBe(false)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['', undefined],
    ['   ', undefined],
    ['30d', 30 * DAY],
    ['12h', 12 * HOUR],
    ['90m', 90 * MIN],
    ['1m', MIN],
    [' 7d\n', 7 * DAY],
    ['007d', 7 * DAY],
    ['36500d', 36500 * DAY],
    ['876000h', 876000 * HOUR]
  ])('%j -> %s', (raw, expected) => {
    expect(parseDuration(raw, 'select-older-than')).toBe(expected)
  })

  it.each<[string, string]>([
    ['0d', 'is not a positive duration'],
    ['0m', 'is not a positive duration'],
    ['-1d', 'is not a duration'],
    ['1.5h', 'is not a duration'],
    ['30', 'is not a duration'],
    ['d', 'is not a duration'],
    ['30 days', 'is not a duration'],
    ['30 d', 'is not a duration'],
    ['30x', 'is not a duration'],
    ['30s', 'is not a duration'],
    ['30D', 'is not a duration'],
    ['30M', 'is not a duration'],
    ['30d12h', 'is not a duration'],
    ['+30d', 'is not a duration'],
    ['1e3d', 'is not a duration'],
    ['36501d', 'is too long'],
    ['876001h', 'is too long'],
    ['99999999999999999999d', 'is too long'],
    ['9'.repeat(400) + 'm', 'is too long']
  ])('%j is rejected (%s)', (raw, reason) => {
    const message = configErrorOf(() => parseDuration(raw, 'select-older-than'))
    expect(message).toContain(`Input 'select-older-than': ${JSON.stringify(raw.trim())} ${reason}`)
  })

  it('gives the usage in the message', () => {
    expect(configErrorOf(() => parseDuration('30x', 'select-older-than'))).toBe(
      `Input 'select-older-than': "30x" is not a duration. ` +
        'Use a number followed by d, h or m, for example 30d, 12h or 90m.'
    )
  })

  it('names the input it was given', () => {
    expect(configErrorOf(() => parseDuration('soon', 'other-input'))).toContain(
      'Input \'other-input\': "soon"'
    )
  })
})

describe('isSelectionEmpty', () => {
  it.each<[string, SelectionFilter, boolean]>([
    ['nothing given', filter(), true],
    ['states', filter({ states: new Set(['error']) }), false],
    ['names', filter({ namePatterns: parseNamePatterns('web-*') }), false],
    ['disconnectedOnly', filter({ disconnectedOnly: true }), false],
    ['olderThanMs', filter({ olderThanMs: DAY }), false],
    ['everything given', filter({ states: new Set(['error']), disconnectedOnly: true }), false],
    [
      'parsed empty inputs',
      filter({ states: parseStates(''), namePatterns: parseNamePatterns('') }),
      true
    ]
  ])('%s -> %s', (_label, f, expected) => {
    expect(isSelectionEmpty(f)).toBe(expected)
  })
})

/** Every filter at once: state error, name web-*, Agent disconnected, older than 30 days. */
const everyFilter = filter({
  states: new Set(['error']),
  namePatterns: parseNamePatterns('web-*'),
  disconnectedOnly: true,
  olderThanMs: 30 * DAY
})

describe('matchesSelection', () => {
  it.each<[string, Partial<SourceServer>, SelectionFilter, boolean]>([
    ['no filter matches anything', { connected: undefined, addDate: undefined }, filter(), true],
    // states
    ['state in set', { state: 'error' }, filter({ states: new Set(['finished', 'error']) }), true],
    ['state not in set', { state: 'replicate' }, filter({ states: new Set(['finished']) }), false],
    ['unknown state', { state: '' }, filter({ states: new Set(['finished']) }), false],
    [
      'state from parseStates is case-insensitive',
      { state: 'finished' },
      filter({ states: parseStates('FINISHED') }),
      true
    ],
    [
      'empty state set matches nothing',
      { state: 'finished' },
      filter({ states: new Set() }),
      false
    ],
    // names
    [
      'name matches',
      { name: 'web-01' },
      filter({ namePatterns: parseNamePatterns('web-*') }),
      true
    ],
    [
      'name matches one of several',
      { name: 'db-01' },
      filter({ namePatterns: parseNamePatterns('web-*, db-*') }),
      true
    ],
    [
      'name matches none',
      { name: 'cache-01' },
      filter({ namePatterns: parseNamePatterns('web-*,db-*') }),
      false
    ],
    ['empty name list matches nothing', { name: 'web' }, filter({ namePatterns: [] }), false],
    // disconnected
    ['disconnected', { connected: false }, filter({ disconnectedOnly: true }), true],
    ['connected', { connected: true }, filter({ disconnectedOnly: true }), false],
    ['connection unknown', { connected: undefined }, filter({ disconnectedOnly: true }), false],
    ['connected, filter off', { connected: true }, filter(), true],
    // older than
    ['older', { addDate: NOW - 30 * DAY - 1 }, filter({ olderThanMs: 30 * DAY }), true],
    [
      'exactly as old is not older',
      { addDate: NOW - 30 * DAY },
      filter({ olderThanMs: 30 * DAY }),
      false
    ],
    ['younger', { addDate: NOW - 30 * DAY + 1 }, filter({ olderThanMs: 30 * DAY }), false],
    ['registered in the future', { addDate: NOW + DAY }, filter({ olderThanMs: MIN }), false],
    ['registration time unknown', { addDate: undefined }, filter({ olderThanMs: MIN }), false],
    // combined (AND)
    [
      'all filters match',
      { state: 'error', name: 'web-01', connected: false, addDate: NOW - 40 * DAY },
      everyFilter,
      true
    ],
    [
      'all but state',
      { state: 'finished', name: 'web-01', connected: false, addDate: NOW - 40 * DAY },
      everyFilter,
      false
    ],
    [
      'all but name',
      { state: 'error', name: 'db-01', connected: false, addDate: NOW - 40 * DAY },
      everyFilter,
      false
    ],
    [
      'all but disconnected',
      { state: 'error', name: 'web-01', connected: true, addDate: NOW - 40 * DAY },
      everyFilter,
      false
    ],
    [
      'all but age',
      { state: 'error', name: 'web-01', connected: false, addDate: NOW - 10 * DAY },
      everyFilter,
      false
    ]
  ])('%s', (_label, overrides, f, expected) => {
    expect(matchesSelection(server(overrides), f, NOW)).toBe(expected)
  })

  it('works on servers normalised by toSourceServer', () => {
    const raw = {
      id: 'x',
      name: 'web-01',
      state: 'Error',
      connected: false,
      add_date: NOW - DAY - 1
    }
    const normalised = toSourceServer(raw)
    expect(normalised).toBeDefined()
    const f = filter({
      states: parseStates('error'),
      namePatterns: parseNamePatterns('web-0?'),
      disconnectedOnly: true,
      olderThanMs: parseDuration('1d', 'select-older-than')
    })
    expect(matchesSelection(normalised as SourceServer, f, NOW)).toBe(true)
    expect(matchesSelection(normalised as SourceServer, f, NOW - 1)).toBe(false)
  })
})

describe('describeSelection', () => {
  it.each<[string, SelectionFilter, string]>([
    ['nothing', filter(), 'no filter (every source server)'],
    [
      'everything',
      filter({
        states: parseStates('finished, error'),
        namePatterns: parseNamePatterns('web-*'),
        disconnectedOnly: true,
        olderThanMs: 30 * DAY,
        olderThanText: '30d'
      }),
      'state in {finished, error}; name matches web-*; Agent disconnected; registered more than 30d ago'
    ],
    [
      'several names',
      filter({ namePatterns: parseNamePatterns('web-*\ndb-??') }),
      'name matches web-* or db-??'
    ],
    ['disconnected only', filter({ disconnectedOnly: true }), 'Agent disconnected'],
    [
      'keeps the original duration text',
      filter({ olderThanMs: 90 * MIN, olderThanText: '90m' }),
      'registered more than 90m ago'
    ],
    [
      'formats the duration when no text is given',
      filter({ olderThanMs: 36 * HOUR }),
      'registered more than 36h ago'
    ],
    ['formats whole days', filter({ olderThanMs: 2 * DAY }), 'registered more than 2d ago'],
    ['formats odd milliseconds', filter({ olderThanMs: 1500 }), 'registered more than 1500ms ago']
  ])('%s', (_label, f, expected) => {
    expect(describeSelection(f)).toBe(expected)
  })
})
