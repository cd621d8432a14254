// Fetches blocks and a UnixFS file from a live Cairn trustless gateway with Helia (@helia/http):
// the trustless-gateway block broker is the only broker and the only router names the Cairn gateway,
// so no request leaves for any other host.
// Usage: node helia-gateway-client.mjs <gatewayUrl> <request.json>
//   request: { "blocks": [cid...], "files": [cid...], "missing": [cid...], "timeoutMs": 5000 }
// Prints one JSON line: for each block and file the bytes' size and sha256 and the CIDs the
// trustless-gateway broker received; for each missing CID the error Helia raised and how long it took.
// Exits 1 (reason on stderr) if Helia cannot be set up or a fetch that should succeed fails.
import './node20-polyfill.mjs'
import { createHeliaHTTP } from '@helia/http'
import { trustlessGateway } from '@helia/block-brokers'
import { httpGatewayRouting } from '@helia/routers'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

const [gatewayUrl, requestFile] = process.argv.slice(2)
if (!gatewayUrl || !requestFile) {
  console.error('usage: node helia-gateway-client.mjs <gatewayUrl> <request.json>')
  process.exit(2)
}
const request = JSON.parse(readFileSync(requestFile, 'utf8'))
const timeoutMs = request.timeoutMs ?? 5000

// Records what the block broker did during one operation: the gateway requests it started, and the
// CIDs of the blocks it received (each already checked against its CID's hash by Helia).
function tracker () {
  const t = { requests: 0, received: [] }
  t.onProgress = (evt) => {
    if (evt.detail?.broker !== 'trustless-gateway') return
    if (evt.type === 'helia:block-broker:connect') t.requests++
    if (evt.type === 'helia:block-broker:receive-block') t.received.push(evt.detail.cid.toString())
  }
  return t
}

async function collect (chunks) {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of chunks) {
    hash.update(chunk)
    size += chunk.length
  }
  return { size, sha256: hash.digest('hex') }
}

let helia
try {
  helia = await createHeliaHTTP({
    blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })],
    routers: [httpGatewayRouting({ gateways: [gatewayUrl] })],
    // No libp2p services: the default ones include a delegated router on a public host.
    libp2p: { services: {} }
  })
} catch (e) {
  console.error('ERROR: Helia could not start: ' + (e?.stack ?? e))
  process.exit(1)
}

const summary = { blocks: [], files: [], missing: [] }
let failed = false
try {
  for (const c of request.blocks ?? []) {
    const t = tracker()
    const bytes = await collect(helia.blockstore.get(CID.parse(c), { signal: AbortSignal.timeout(timeoutMs), onProgress: t.onProgress }))
    summary.blocks.push({ cid: c, ...bytes, requests: t.requests, received: t.received })
  }
  const fs = unixfs(helia)
  for (const c of request.files ?? []) {
    const t = tracker()
    const cid = CID.parse(c)
    const stat = await fs.stat(cid, { signal: AbortSignal.timeout(timeoutMs), onProgress: t.onProgress })
    const bytes = await collect(fs.cat(cid, { signal: AbortSignal.timeout(timeoutMs), onProgress: t.onProgress }))
    summary.files.push({ cid: c, type: stat.type, fileSize: Number(stat.size), ...bytes, requests: t.requests, received: t.received })
  }
  for (const c of request.missing ?? []) {
    const t = tracker()
    const started = performance.now()
    try {
      const bytes = await collect(helia.blockstore.get(CID.parse(c), { signal: AbortSignal.timeout(timeoutMs), onProgress: t.onProgress }))
      summary.missing.push({ cid: c, error: null, ...bytes, requests: t.requests })
    } catch (e) {
      summary.missing.push({ cid: c, error: e?.name ?? 'Error', message: String(e?.message ?? e), ms: Math.round(performance.now() - started), requests: t.requests, received: t.received })
    }
  }
} catch (e) {
  console.error('ERROR: ' + (e?.stack ?? e))
  failed = true
} finally {
  await helia.stop()
}
if (failed) process.exit(1)
console.log(JSON.stringify(summary))
