// Fetches UnixFS files by path (ipfs://CID/a/b) with Helia's verified-fetch over a live Cairn
// gateway: a Helia node whose only block broker is the trustless-gateway one and whose only router
// names the Cairn gateway, so every block comes from Cairn and is verified against its CID.
// Usage: node helia-verified-fetch.mjs <gatewayUrl> <path>...   (each path: CID/a/b)
// Prints one JSON line [{path, status, size, sha256}]; exits 1 (reason on stderr) on a setup failure.
import './node20-polyfill.mjs'
import { createHeliaHTTP } from '@helia/http'
import { trustlessGateway } from '@helia/block-brokers'
import { httpGatewayRouting } from '@helia/routers'
import { createVerifiedFetch } from '@helia/verified-fetch'
import { createHash } from 'node:crypto'

const [gatewayUrl, ...paths] = process.argv.slice(2)
if (!gatewayUrl || paths.length === 0) {
  console.error('usage: node helia-verified-fetch.mjs <gatewayUrl> <cid/path>...')
  process.exit(2)
}
let helia
let verifiedFetch
try {
  helia = await createHeliaHTTP({
    blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })],
    routers: [httpGatewayRouting({ gateways: [gatewayUrl] })],
    libp2p: { services: {} }
  })
  verifiedFetch = await createVerifiedFetch(helia)
} catch (e) {
  console.error('ERROR: Helia could not start: ' + (e?.stack ?? e))
  process.exit(1)
}
const out = []
try {
  for (const p of paths) {
    const r = await verifiedFetch('ipfs://' + p, { signal: AbortSignal.timeout(15000) })
    const body = Buffer.from(await r.arrayBuffer())
    out.push({ path: p, status: r.status, size: body.length, sha256: createHash('sha256').update(body).digest('hex') })
  }
} catch (e) {
  console.error('ERROR: ' + (e?.stack ?? e))
  process.exitCode = 1
} finally {
  await verifiedFetch?.stop?.()
  await helia.stop()
}
console.log(JSON.stringify(out))
