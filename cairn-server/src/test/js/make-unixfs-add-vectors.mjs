// Known answers for Cairn's UnixFS importer, computed by an independent implementation
// (ipfs-unixfs-importer, whose unixfs-v0-2015 profile reproduces Kubo's CIDs). Each file's bytes
// are a seeded LCG stream the Java test regenerates. Run from this directory:
//   node make-unixfs-add-vectors.mjs > ../../../../cairn-blockstore/src/test/resources/unixfs/add-vectors.properties
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { MemoryBlockstore } from 'blockstore-core/memory'

function bytes (n, seed) {
  const b = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 16 }
  return b
}

async function add (entries, options) {
  const store = new MemoryBlockstore()
  let last
  for await (const r of importer(entries, store, options)) last = r
  return last.cid.toString()
}

const K = 1024
const sets = {
  kubo: { sizes: [0, 11, 1000, 262144, 262145, 174 * 262144, 174 * 262144 + 1], options: { profile: 'unixfs-v0-2015' } },
  kubo_v1: {
    sizes: [0, 1000, 262145, 174 * 262144 + 1],
    options: { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 262144 }), layout: balanced({ maxChildrenPerNode: 174 }), reduceSingleLeafToSelf: true }
  },
  v1_2025: { sizes: [0, 11, 1048576, 1048577, 3 * 1048576 + 5], options: { profile: 'unixfs-v1-2025' } }
}
for (const [name, s] of Object.entries(sets)) {
  for (const n of s.sizes) {
    console.log(`${name}.${n}=` + await add([{ content: bytes(n, n + 1) }], s.options))
  }
}
// A small custom layout (1000-byte chunks, 3 links per node) exercises every level-closing case.
for (const raw of [false, true]) {
  for (const n of [999, 1000, 1001, 3000, 3001, 9000, 9001, 27001]) {
    const options = {
      cidVersion: raw ? 1 : 0, rawLeaves: raw, reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: 1000 }), layout: balanced({ maxChildrenPerNode: 3 })
    }
    console.log(`small_${raw ? 'raw' : 'pb'}.${n}=` + await add([{ content: bytes(n, n + 1) }], options))
  }
}
// Directories (wrap-with-directory), as `ipfs add -r -w` and `--cid-version=1` make them.
const tree = () => [
  { path: 'hello.txt', content: new TextEncoder().encode('hello world\n') },
  { path: 'b.bin', content: bytes(300000, 9) },
  { path: 'sub/c.txt', content: new TextEncoder().encode('c\n') },
  { path: 'sub/Z.txt', content: new TextEncoder().encode('upper\n') }
]
console.log('dir.kubo=' + await add(tree(), { profile: 'unixfs-v0-2015', wrapWithDirectory: true }))
console.log('dir.v1_2025=' + await add(tree(), { profile: 'unixfs-v1-2025', wrapWithDirectory: true }))
// Directories around Kubo's HAMT threshold (256 KiB; links-bytes for unixfs-v0-2015, block-bytes
// for unixfs-v1-2025): N one-line files named file-NNNNN.txt in a directory "d".
for (const n of [4000, 6000]) {
  const entries = () => {
    const e = []
    for (let i = 0; i < n; i++) e.push({ path: 'd/file-' + String(i).padStart(5, '0') + '.txt', content: new TextEncoder().encode(i + '\n') })
    return e
  }
  console.log(`hamt.kubo.${n}=` + await add(entries(), { profile: 'unixfs-v0-2015' }))
  console.log(`hamt.v1_2025.${n}=` + await add(entries(), { profile: 'unixfs-v1-2025' }))
}
// Exactly at and one entry over the links-bytes threshold: 30-character names and 34-byte CIDv0s
// are 64 bytes a link, so 4096 entries are 262144 bytes (basic) and 4097 are over (HAMT).
for (const n of [4096, 4097]) {
  const e = []
  for (let i = 0; i < n; i++) e.push({ path: 'd/' + String(i).padStart(30, '0'), content: new TextEncoder().encode(i + '\n') })
  console.log(`hamt.edge.${n}=` + await add(e, { profile: 'unixfs-v0-2015' }))
}
