#!/usr/bin/env python3
"""Writes the seed-* inputs of the fuzz corpus from vectors/ (run from this folder's resources root)."""
import base64, csv, os, struct

ROOT = os.path.dirname(os.path.abspath(__file__))
RES = os.path.dirname(os.path.dirname(ROOT))
FIX = os.path.join(RES, 'vectors', 'codec-fixtures', 'fixtures')

def out(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def varint(n):
    b = bytearray()
    while True:
        x = n & 0x7f
        n >>= 7
        if n:
            b.append(x | 0x80)
        else:
            b.append(x)
            return bytes(b)

def cid_bytes(text):  # base32 CIDv1 text -> binary
    s = text[1:].upper()
    return base64.b32decode(s + '=' * (-len(s) % 8))

fixtures = []
for d in sorted(x for x in os.listdir(FIX) if os.path.isdir(os.path.join(FIX, x))):
    for f in sorted(os.listdir(os.path.join(FIX, d))):
        p = os.path.join(FIX, d, f)
        fixtures.append((f.rsplit('.', 1)[0], f.rsplit('.', 1)[1], open(p, 'rb').read()))

cids = [d[4:] for d in sorted(os.listdir(FIX)) if d.startswith('cid-')] + [f[0] for f in fixtures[:10]] + ['bafkqaaa']
for i, c in enumerate(cids):
    out('cid/CidFuzzTestInputs/parse', str(i), c)
with open(os.path.join(RES, 'vectors', 'multibase', 'basic.csv')) as f:
    for i, row in enumerate(csv.reader(f, skipinitialspace=True)):
        if i > 0 and len(row) == 2:
            out('cid/MultibaseFuzzTestInputs/decode', str(i), row[1])
with open(os.path.join(RES, 'vectors', 'multihash', 'test_cases.csv')) as f:
    for i, row in enumerate(list(csv.DictReader(f))[::6]):
        out('cid/MultihashFuzzTestInputs/decode', str(i), bytes.fromhex(row['multihash']))
for i, c in enumerate(cids[:8]):
    if c.startswith('b'):
        out('cid/MultihashFuzzTestInputs/decode', 'cid' + str(i), cid_bytes(c))
for i, n in enumerate([0, 1, 127, 128, 300, 16384, 2**32, 2**63 - 1]):
    out('cid/VarintFuzzTestInputs/read', str(i), varint(n))
for codec, target in (('dag-pb', 'ipld/DagPbFuzzTestInputs/links'), ('dag-cbor', 'ipld/DagCborFuzzTestInputs/links')):
    small = sorted((f for f in fixtures if f[1] == codec), key=lambda f: len(f[2]))[:24]
    for i, f in enumerate(small):
        out(target, str(i), f[2])

cbor = sorted((f for f in fixtures if f[1] == 'dag-cbor' and f[0].startswith('bafy')), key=lambda f: len(f[2]))[:6]
def car_v1(blocks):
    root = cid_bytes(blocks[0][0])
    header = (b'\xa2\x65roots\x81\xd8\x2a\x58' + bytes([len(root) + 1]) + b'\x00' + root
              + b'\x67version\x01')
    body = varint(len(header)) + header
    for name, _, data in blocks:
        c = cid_bytes(name)
        body += varint(len(c) + len(data)) + c + data
    return body
v1 = car_v1(cbor)
out('car/CarReaderFuzzTestInputs/read', 'v1-one', car_v1(cbor[:1]))
out('car/CarReaderFuzzTestInputs/read', 'v1-six', v1)
pragma = bytes.fromhex('0aa16776657273696f6e02')
v2 = pragma + bytes(16) + struct.pack('<QQQ', 51, len(v1), 0) + v1
out('car/CarReaderFuzzTestInputs/read', 'v2', v2)
