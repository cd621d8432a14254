// Drives a live Cairn API with the real kubo-rpc-client through the UnixFS and DAG commands:
// add (defaults, cid-version 1, a wrapped directory), cat (offset/length), ls, refs (recursive,
// unique), dag.put / dag.get. Usage: node kubo-unixfs-client.mjs <apiUrl>
// Prints one JSON summary line on success; exits 1 (with the reason on stderr) on any mismatch.
import { create } from 'kubo-rpc-client'
import { createHash } from 'node:crypto'

const [apiUrl] = process.argv.slice(2)
if (!apiUrl) {
  console.error('usage: node kubo-unixfs-client.mjs <apiUrl>')
  process.exit(2)
}
const fail = (msg) => { console.error('MISMATCH: ' + msg); process.exit(1) }
const sha256hex = (b) => createHash('sha256').update(b).digest('hex')
const concat = async (it) => { const parts = []; for await (const p of it) parts.push(p); return Buffer.concat(parts) }

function bytes (n, seed) {
  const b = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 16 }
  return b
}

const client = create({ url: apiUrl })
const summary = {}
try {
  const hello = await client.add(new TextEncoder().encode('hello world'))
  summary.hello = hello.cid.toString()
  const helloV1 = await client.add(new TextEncoder().encode('hello world'), { cidVersion: 1 })
  summary.helloV1 = helloV1.cid.toString()

  const big = bytes(262145, 262146)
  const bigAdded = await client.add(big)
  summary.big = bigAdded.cid.toString()
  const back = await concat(client.cat(bigAdded.cid))
  if (sha256hex(back) !== sha256hex(big)) fail('cat of the 262145-byte file returned other bytes')
  const slice = await concat(client.cat(bigAdded.cid, { offset: 262140, length: 5 }))
  if (!slice.equals(Buffer.from(big.subarray(262140, 262145)))) fail('cat with offset/length returned other bytes')

  const files = [
    { path: 'tree/hello.txt', content: new TextEncoder().encode('hello world\n') },
    { path: 'tree/b.bin', content: bytes(300000, 9) },
    { path: 'tree/sub/c.txt', content: new TextEncoder().encode('c\n') }
  ]
  const added = []
  for await (const r of client.addAll(files, { wrapWithDirectory: true })) added.push({ path: r.path, cid: r.cid.toString() })
  summary.addAll = added
  const root = added[added.length - 1].cid

  const listing = []
  for await (const e of client.ls(`/ipfs/${root}/tree`)) listing.push({ name: e.name, type: e.type, size: e.size, cid: e.cid.toString() })
  summary.ls = listing

  const refs = []
  for await (const r of client.refs(root, { recursive: true, unique: true })) {
    if (r.err) fail('refs reported ' + r.err)
    refs.push(r.ref)
  }
  summary.refs = refs

  const node = { name: 'cairn', link: bigAdded.cid, n: 3 }
  const putCid = await client.dag.put(node, { storeCodec: 'dag-cbor' })
  summary.dagPut = putCid.toString()
  const got = await client.dag.get(putCid)
  if (got.value.name !== 'cairn' || got.value.n !== 3 || got.value.link.toString() !== bigAdded.cid.toString()) {
    fail('dag.get returned ' + JSON.stringify(got.value))
  }
  console.log(JSON.stringify(summary))
} catch (e) {
  console.error('FAILED: ' + (e && e.stack ? e.stack : e))
  process.exit(1)
}
