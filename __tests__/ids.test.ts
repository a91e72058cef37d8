import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../src/errors.js'
import { parseIds } from '../src/ids.js'

describe('parseIds: accepted forms', () => {
  it.each([
    ['one per line', 'a\nb\nc', ['a', 'b', 'c']],
    ['CRLF lines', 'a\r\nb\r\n', ['a', 'b']],
    ['comma-separated', 'a, b ,c', ['a', 'b', 'c']],
    ['lines and commas mixed', 'a,b\nc', ['a', 'b', 'c']],
    ['blank lines and # comments ignored', '# wave 3\n\n  a  \n   # old\nb\n', ['a', 'b']],
    ['JSON array', '["a", "b"]', ['a', 'b']],
    ['JSON array, items trimmed', '[" a ", "b\\t"]', ['a', 'b']],
    ['JSON array over lines', '[\n  "a",\n  "b"\n]', ['a', 'b']],
    [
      'a 36-character UUID',
      'ec2a894f-0d92-47c5-ac22-168ef61d0001',
      ['ec2a894f-0d92-47c5-ac22-168ef61d0001']
    ],
    ['empty', '', []],
    ['whitespace only', '  \n\t\n', []],
    ['comments only', '# nothing today', []],
    ['empty JSON array', '[]', []]
  ])('%s', (_name, raw, expected) => {
    expect(parseIds(raw).ids).toEqual(expected)
  })

  it('keeps the first occurrence of duplicates and names them', () => {
    expect(parseIds('b\na\nb\nc,a,b')).toEqual({ ids: ['b', 'a', 'c'], duplicates: ['b', 'a'] })
  })
})

describe('parseIds: rejected input', () => {
  const messageOf = (raw: string): string => {
    try {
      parseIds(raw)
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return (error as Error).message
    }
    throw new Error(`parseIds accepted ${JSON.stringify(raw)}`)
  }

  it.each([
    ['an empty entry between commas', 'a,,b', ['line 1, item 2', 'is empty']],
    ['a trailing comma', 'a,b,', ['line 1, item 3', 'is empty']],
    ['an ID longer than 36 characters', 'x'.repeat(37), ['line 1', '37 characters']],
    ['whitespace inside an ID', 'a b', ['line 1', '"a b"', 'whitespace']],
    ['a tab inside an ID', 'a\tb', ['whitespace']],
    ['a control character', 'a\u0007b', ['control']],
    ['a quote', '"abc"', ['quote']],
    ['malformed JSON', '["a", ', ["Input 'ids'", 'not valid JSON']],
    ['a JSON non-string item', '["a", 5, null]', ['item 2: 5', 'item 3: null']],
    ['an empty JSON string', '["a", ""]', ['item 2', 'is empty']],
    ['a JSON object item', '[{"id":"a"}]', ['item 1', 'not every item is a string']]
  ])('%s', (_name, raw, fragments) => {
    const message = messageOf(raw)
    expect(message).toContain("Input 'ids'")
    for (const fragment of fragments) expect(message).toContain(fragment)
  })

  it('reports every invalid entry at once, with its line', () => {
    const message = messageOf('good-1\nbad one\ngood-2\n' + 'y'.repeat(40) + '\n,')
    expect(message).toContain('4 invalid entries')
    expect(message).toContain('line 2: "bad one"')
    expect(message).toContain('line 4:')
    expect(message).toContain('line 5, item 1')
    expect(message).toContain('line 5, item 2')
  })

  it('shortens a huge value in the message', () => {
    expect(messageOf('z'.repeat(5000)).length).toBeLessThan(400)
  })
})
