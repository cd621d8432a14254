// Drives a live Cairn API with the real kubo-rpc-client: put / get / stat / rm.
// Usage: node kubo-client.mjs <apiUrl> [bearerToken]
// Prints one JSON summary line on success; exits 1 (with the reason on stderr) on any mismatch.
import { create } from 'kubo-rpc-client'
import { randomBytes, createHash } from 'node:crypto'

const [apiUrl, token] = process.argv.slice(2)
if (!apiUrl) {
  console.error('usage: node kubo-client.mjs <apiUrl> [bearerToken]')
  process.exit(2)
}

const fail = (msg) => { console.error('MISMATCH: ' + msg); process.exit(1) }
const equalBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i])
const sha256hex = (b) => createHash('sha256').update(b).digest('hex')

const client = create({
  url: apiUrl,
  headers: token ? { Authorization: `Bearer ${token}` } : undefined
})

const summary = { version: null, blocks: [] }
try {
  const v = await client.version()
  if (typeof v.version !== 'string' || v.version.length === 0) fail('version has no Version field')
  summary.version = v.version

  const cases = [
    { name: 'raw', data: randomBytes(1000), options: {} },
    { name: 'dag-cbor-codec', data: Uint8Array.from([0xa1, 0x61, 0x61, 0x01]), options: { format: 'dag-cbor' } },
    { name: 'sha2-512', data: randomBytes(70000), options: { mhtype: 'sha2-512' } },
    { name: 'empty', data: new Uint8Array(0), options: {} }
  ]
  for (const c of cases) {
    const cid = await client.block.put(c.data, c.options)
    const got = await client.block.get(cid)
    if (!equalBytes(got, c.data)) fail(`${c.name}: block.get returned ${got.length} bytes, put ${c.data.length}`)
    const st = await client.block.stat(cid)
    if (st.size !== c.data.length) fail(`${c.name}: block.stat size ${st.size}, expected ${c.data.length}`)
    if (st.cid.toString() !== cid.toString()) fail(`${c.name}: block.stat cid ${st.cid} != ${cid}`)
    summary.blocks.push({ name: c.name, cid: cid.toString(), size: c.data.length, sha256: sha256hex(c.data) })
  }

  // Remove the first block, then check it is gone and that a second rm reports the miss.
  const victim = summary.blocks[0].cid
  const removed = []
  for await (const r of client.block.rm(victim)) removed.push(r)
  if (removed.length !== 1 || removed[0].cid.toString() !== victim || removed[0].error) {
    fail(`block.rm ${victim} answered ${JSON.stringify(removed.map(r => ({ cid: r.cid.toString(), error: r.error?.message })))}`)
  }
  let gone = false
  try { await client.block.get(victim) } catch (e) { gone = true }
  if (!gone) fail(`block.get ${victim} still answered after rm`)
  const again = []
  for await (const r of client.block.rm(victim)) again.push(r)
  if (again.length !== 1 || !again[0].error) fail('second block.rm of a missing block reported no error')
  summary.removed = victim

  console.log(JSON.stringify(summary))
} catch (e) {
  console.error('ERROR: ' + (e?.stack ?? e))
  process.exit(1)
}
