import { afterEach } from '@jest/globals'
import { FakeSms, type FakeSmsOptions } from '../fake-sms/server.js'

/**
 * Returns a function that starts a fake SMS server for the current test; each one is
 * stopped after its test. `defaults` apply to every server the file starts.
 */
export function useFakeSms(
  defaults: () => FakeSmsOptions = () => ({})
): (options?: FakeSmsOptions) => Promise<FakeSms> {
  const started: FakeSms[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()))
  })
  return async (options = {}) => {
    const server = await new FakeSms({ ...defaults(), ...options }).start()
    started.push(server)
    return server
  }
}
