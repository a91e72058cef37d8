/**
 * FakeSms always listens on 127.0.0.1:0. To serve it on a fixed port without touching
 * the test server, put a plain TCP forwarder on that port in front of it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface Forwarder {
  url: string
  close: () => Promise<void>
}

export async function forwardPort(port: number, target: string): Promise<Forwarder> {
  const { hostname, port: targetPort } = new URL(target)
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server: Server = createServer((client) => {
    const upstream = connect(Number(targetPort), hostname)
    track(client)
    track(upstream)
    client.pipe(upstream).pipe(client)
    // A reset on either side resets the other, as a direct connection would.
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
