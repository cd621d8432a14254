// IPNS through real, independent clients (IpnsKuboClientTest): kubo-rpc-client's key.gen/list,
// name.publish/resolve and routing.put/get against Cairn's RPC API, and the npm `ipns` package
// (the JavaScript reference implementation of IPNS records) both verifying a record Cairn signed
// (fetched from the gateway as ?format=ipns-record) and signing one of its own that Cairn must
// accept and resolve. Prints one JSON line; exits 1 on any failure.
import { create } from 'kubo-rpc-client'
import { createIPNSRecord, marshalIPNSRecord, unmarshalIPNSRecord, multihashToIPNSRoutingKey } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'

const [apiUrl, gatewayUrl] = process.argv.slice(2)
const api = create({ url: `${apiUrl}/api/v0` })
const out = {}
const collect = async (it) => { const all = []; for await (const x of it) all.push(x); return all }

try {
  const key = await api.key.gen('js-key', { type: 'ed25519' })
  out.keyId = key.id
  out.keys = (await api.key.list()).map(k => k.name)
  const added = await api.add(new TextEncoder().encode('hello from ipns\n'), { cidVersion: 1 })
  out.cid = added.cid.toString()

  const pub = await api.name.publish(`/ipfs/${added.cid}`, { key: 'js-key', lifetime: '2h', ttl: '30s' })
  out.published = pub
  out.resolved = await collect(api.name.resolve(pub.name))

  // Cairn's record, checked by the ipns package against the name's key
  const res = await fetch(`${gatewayUrl}/ipns/${pub.name}?format=ipns-record`)
  out.recordStatus = res.status
  out.recordType = res.headers.get('content-type')
  const cairnRecord = new Uint8Array(await res.arrayBuffer())
  const cairnName = CID.parse(pub.name, base36)
  await ipnsValidator(multihashToIPNSRoutingKey(cairnName.multihash), cairnRecord)
  const parsed = unmarshalIPNSRecord(cairnRecord)
  out.cairnRecordValue = parsed.value
  out.cairnRecordTtlNs = parsed.ttl.toString()
  out.cairnRecordSequence = parsed.sequence.toString()

  // A record the ipns package signed (V1+V2, its default), put through routing.put
  const jsKey = await generateKeyPair('Ed25519')
  const jsName = jsKey.publicKey.toCID().toString(base36)
  out.jsName = jsName
  const record = await createIPNSRecord(jsKey, `/ipfs/${added.cid}`, 7n, 60 * 60 * 1000)
  const bytes = marshalIPNSRecord(record)
  out.jsRecordHex = Buffer.from(bytes).toString('hex')
  await collect(api.routing.put(`/ipns/${jsName}`, bytes))
  out.jsResolved = await collect(api.name.resolve(`/ipns/${jsName}`))
  const got = await collect(api.routing.get(`/ipns/${jsName}`))
  out.routingGetSame = got.length > 0 && Buffer.from(got.at(-1).value).equals(Buffer.from(bytes))
  const page = await fetch(`${gatewayUrl}/ipns/${jsName}`)
  out.jsGatewayStatus = page.status
  out.jsGatewayBody = await page.text()
  out.jsGatewayCacheControl = page.headers.get('cache-control')

  // A tampered record (last signature byte flipped) must be refused
  const bad = Uint8Array.from(bytes)
  bad[bad.length - 1] ^= 1
  const other = await createIPNSRecord(jsKey, `/ipfs/${added.cid}`, 8n, 60 * 60 * 1000, { v1Compatible: false })
  const otherBytes = marshalIPNSRecord(other)
  const flipped = Uint8Array.from(otherBytes)
  // flip a byte inside the signed data (the Value) so the V2 signature no longer verifies
  const at = Buffer.from(flipped).indexOf(Buffer.from(`/ipfs/${added.cid}`)) + 8
  flipped[at] ^= 1
  try {
    await collect(api.routing.put(`/ipns/${jsName}`, flipped))
    out.tamperedRefused = false
  } catch (e) {
    out.tamperedRefused = true
    out.tamperedMessage = e.message
  }
  console.log(JSON.stringify(out))
} catch (e) {
  console.error(e)
  console.log(JSON.stringify({ ...out, error: String(e && e.stack || e) }))
  process.exit(1)
}
