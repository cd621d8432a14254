// Builds the UnixFS fixture CARs under cairn-blockstore/src/test/resources/unixfs/ with an
// independent implementation (ipfs-unixfs-importer, the importer Helia and ipfs-car use), so the
// Java reader is checked against DAGs it did not produce. Run from this directory:
//   node make-unixfs-fixtures.mjs ../../../../cairn-blockstore/src/test/resources/unixfs
// The output is deterministic (seeded bytes, fixed options); the CIDs it prints go into
// fixtures.properties beside the CARs.
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { exporter } from 'ipfs-unixfs-exporter'
import { MemoryBlockstore } from 'blockstore-core/memory'
import * as dagPb from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'

const out = process.argv[2]

function bytes (n, seed) {
  const b = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 16 }
  return b
}

function varint (n) {
  const o = []
  while (n >= 0x80) { o.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  o.push(n)
  return Uint8Array.from(o)
}

// The CAR of every block reachable from root, depth-first, each once, under the CIDs the links
// name (the memory blockstore keys blocks by multihash and would hand dag-pb blocks back as raw).
async function car (store, root) {
  const parts = []
  const header = dagCbor.encode({ roots: [root], version: 1 })
  parts.push(varint(header.length), header)
  const seen = new Set()
  const visit = async (cid) => {
    if (seen.has(cid.toString())) return
    seen.add(cid.toString())
    let block = await store.get(cid)
    if (!(block instanceof Uint8Array)) {
      const chunks = []
      for await (const c of block) chunks.push(c)
      block = Buffer.concat(chunks)
    }
    parts.push(varint(cid.bytes.length + block.length), cid.bytes, block)
    if (cid.code === dagPb.code) {
      for (const l of dagPb.decode(block).Links) await visit(l.Hash)
    }
  }
  await visit(root)
  return Buffer.concat(parts)
}

// Writes NAME.car and prints NAME.root and, for each path in `resolve`, the CID the exporter
// resolves it to (NAME.path.<path>=<cid>): known answers for the Java path resolver.
async function build (name, entries, options, resolve = []) {
  const store = new MemoryBlockstore()
  let last
  for await (const r of importer(entries, store, options)) { last = r }
  writeFileSync(join(out, name + '.car'), await car(store, last.cid))
  console.log(name + '.root=' + last.cid.toString())
  for (const p of resolve) {
    const e = await exporter(last.cid.toString() + '/' + p, store)
    console.log(name + '.path.' + p + '=' + e.cid.toString())
  }
  // The SHA-256 of every file's bytes as the exporter reads them back.
  for (const p of ['', ...resolve]) {
    const e = await exporter(last.cid.toString() + (p === '' ? '' : '/' + p), store)
    if (e.type === 'file' || e.type === 'raw') {
      const h = createHash('sha256')
      for await (const c of e.content()) h.update(c)
      console.log(name + '.sha256.' + (p === '' ? '.' : p) + '=' + h.digest('hex'))
    }
  }
  return last.cid
}

// A plain directory: a small file, a 20 000-byte file in 4 KiB raw leaves under a balanced
// tree of at most 3 links per node (so it has two levels), and a sub-directory.
await build('tree', [
  { path: 'hello.txt', content: new TextEncoder().encode('hello world\n') },
  { path: 'big.bin', content: bytes(20000, 7) },
  { path: 'sub/index.html', content: new TextEncoder().encode('<h1>sub</h1>\n') },
  { path: 'sub/note.md', content: new TextEncoder().encode('# note\n') }
], {
  wrapWithDirectory: true, cidVersion: 1, rawLeaves: true,
  chunker: fixedSize({ chunkSize: 4096 }), layout: balanced({ maxChildrenPerNode: 3 })
}, ['hello.txt', 'big.bin', 'sub', 'sub/note.md', 'sub/index.html'])

// A HAMT-sharded directory of 100 files with a fanout of 16, so that entries collide and
// sub-shards appear, plus one entry that is itself a directory.
const many = []
for (let i = 0; i < 100; i++) {
  many.push({ path: 'f' + String(i).padStart(3, '0') + '.txt', content: new TextEncoder().encode('file ' + i + '\n') })
}
many.push({ path: 'inner/leaf.txt', content: new TextEncoder().encode('deep leaf\n') })
await build('hamt', many, {
  wrapWithDirectory: true, cidVersion: 1, rawLeaves: true, shardSplitThresholdBytes: 1, shardFanoutBits: 4
}, ['f000.txt', 'f042.txt', 'f099.txt', 'inner', 'inner/leaf.txt'])

// The same file with dag-pb (UnixFS 'file') leaves and CIDv0, as Kubo's defaults make them.
await build('v0', [{ path: 'v0.bin', content: bytes(30000, 3) }], {
  cidVersion: 0, rawLeaves: false, reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: 8192 }), layout: balanced({ maxChildrenPerNode: 3 })
}, [])
