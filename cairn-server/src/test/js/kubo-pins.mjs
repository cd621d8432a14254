// Drives a live Cairn API with the real kubo-rpc-client: pin add / ls / rm, repo gc, repo stat.
// Usage: node kubo-pins.mjs <apiUrl> [bearerToken]
// Prints one JSON summary line on success; exits 1 (with the reason on stderr) on any mismatch.
import { create } from 'kubo-rpc-client'
import { randomBytes } from 'node:crypto'

const [apiUrl, token] = process.argv.slice(2)
if (!apiUrl) {
  console.error('usage: node kubo-pins.mjs <apiUrl> [bearerToken]')
  process.exit(2)
}

const fail = (msg) => { console.error('MISMATCH: ' + msg); process.exit(1) }
const client = create({
  url: apiUrl,
  headers: token ? { Authorization: `Bearer ${token}` } : undefined
})

// DAG-CBOR {"l": [link]}: map(1) "l" array(1) tag(42) bytes(0x00 ++ cid)
const cborLinkTo = (cid) => {
  const b = cid.bytes
  return Uint8Array.from([0xa1, 0x61, 0x6c, 0x81, 0xd8, 0x2a, 0x58, b.length + 1, 0x00, ...b])
}
const collect = async (it) => { const out = []; for await (const x of it) out.push(x); return out }
const has = async (cid) => { try { await client.block.stat(cid); return true } catch { return false } }

try {
  const leaf = await client.block.put(randomBytes(2000))
  const root = await client.block.put(cborLinkTo(leaf), { format: 'dag-cbor' })
  const direct = await client.block.put(randomBytes(300))
  const garbage = await client.block.put(randomBytes(400))

  const pinned = await client.pin.add(root)
  if (pinned.toString() !== root.toString()) fail(`pin.add answered ${pinned}, expected ${root}`)
  await client.pin.add(direct, { recursive: false })

  const all = await collect(client.pin.ls())
  const typeOf = (cid) => all.find(p => p.cid.toString() === cid.toString())?.type
  if (typeOf(root) !== 'recursive') fail(`root listed as ${typeOf(root)}`)
  if (typeOf(leaf) !== 'indirect') fail(`leaf listed as ${typeOf(leaf)}`)
  if (typeOf(direct) !== 'direct') fail(`direct block listed as ${typeOf(direct)}`)
  if (typeOf(garbage) !== undefined) fail('an unpinned block was listed')
  const rec = await collect(client.pin.ls({ type: 'recursive' }))
  if (rec.length !== 1 || rec[0].cid.toString() !== root.toString()) fail(`pin.ls recursive: ${rec.map(p => p.cid)}`)
  const lookedUp = await collect(client.pin.ls({ paths: [leaf] }))
  if (lookedUp.length !== 1 || !lookedUp[0].type.startsWith('indirect')) fail(`pin.ls of the leaf: ${JSON.stringify(lookedUp)}`)

  const before = await client.repo.stat()
  const gc1 = await collect(client.repo.gc())
  if (gc1.some(r => r.err)) fail(`repo.gc error: ${gc1.find(r => r.err).err}`)
  const removed1 = gc1.map(r => r.cid.multihash.bytes.toString())
  if (!removed1.includes(garbage.multihash.bytes.toString())) fail('repo.gc did not remove the unpinned block')
  for (const c of [root, leaf, direct]) if (!(await has(c))) fail(`repo.gc removed pinned ${c}`)
  if (await has(garbage)) fail('the unpinned block is still there after repo.gc')
  const after = await client.repo.stat()
  if (after.numObjects !== before.numObjects - BigInt(gc1.length)) fail(`repo.stat numObjects ${before.numObjects} -> ${after.numObjects} after removing ${gc1.length}`)
  if (after.storageMax <= 0n) fail(`repo.stat storageMax ${after.storageMax}`)

  const unpinned = await collect(client.pin.rmAll([{ path: root }]))
  if (unpinned.length !== 1 || unpinned[0].toString() !== root.toString()) fail(`pin.rm answered ${unpinned}`)
  let refused = false
  try { await client.pin.rm(leaf) } catch (e) { refused = /not pinned/.test(e.message) }
  if (!refused) fail('pin.rm of an indirectly pinned block was not refused with "not pinned"')
  const gc2 = await collect(client.repo.gc())
  if (gc2.length !== 2) fail(`second repo.gc removed ${gc2.length} blocks, expected root and leaf`)
  if (await has(root) || await has(leaf)) fail('unpinned DAG survived the second repo.gc')
  if (!(await has(direct))) fail('the direct pin did not keep its block')

  console.log(JSON.stringify({
    root: root.toString(), leaf: leaf.toString(), direct: direct.toString(), garbage: garbage.toString(),
    firstGc: gc1.length, secondGc: gc2.length, numObjects: after.numObjects.toString(), storageMax: after.storageMax.toString()
  }))
} catch (e) {
  console.error('ERROR: ' + (e?.stack ?? e))
  process.exit(1)
}
