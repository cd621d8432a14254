// Imports a directory tree with the real UnixFS importer (ipfs-unixfs-importer, installed with the
// server's JavaScript test packages by .ci/setup-js) and prints the size of every block it makes,
// one per line, to stdout. Nothing is stored: the blockstore only records sizes.
//
//   node cairn-bench/scripts/unixfs-block-sizes.mjs legacy DIR > sizes.txt   # Kubo's classic profile:
//        CIDv0, dag-pb leaves (262,144-byte payloads framed to 262,158 bytes), 174 links per node
//   node cairn-bench/scripts/unixfs-block-sizes.mjs 2025 DIR > sizes.txt     # unixfs-v1-2025 profile:
//        CIDv1, raw 1 MiB leaves, 1024 links per node
import { readdir, stat } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const modules = resolve(here, '../../cairn-server/src/test/js/node_modules')
const lib = (path) => import(pathToFileURL(join(modules, 'ipfs-unixfs-importer/dist/src', path)).href)
const { importer } = await lib('index.js')
const { fixedSize } = await lib('chunker/index.js')
const { balanced } = await lib('layout/index.js')

const [profile, dir] = process.argv.slice(2)
if (!dir || !['legacy', '2025'].includes(profile)) {
  console.error('usage: unixfs-block-sizes.mjs legacy|2025 DIR')
  process.exit(2)
}
const options = profile === 'legacy'
  ? { cidVersion: 0, rawLeaves: false, chunker: fixedSize({ chunkSize: 262144 }), layout: balanced({ maxChildrenPerNode: 174 }), wrapWithDirectory: true }
  : { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 1048576 }), layout: balanced({ maxChildrenPerNode: 1024 }), wrapWithDirectory: true }

const sizes = []
const blockstore = {
  async put (cid, bytes) { sizes.push(bytes.length); return cid },
  async get () { throw new Error('not stored') },
  async has () { return false }
}

async function * files (root) {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const p = join(root, entry.name)
    if (entry.isDirectory()) {
      yield * files(p)
    } else if (entry.isFile() && (await stat(p)).size > 0) {
      yield { path: relative(dir, p), content: createReadStream(p) }
    }
  }
}

for await (const _ of importer(files(dir), blockstore, options)) { /* sizes are recorded by put */ }
process.stdout.write(sizes.join('\n') + '\n')
