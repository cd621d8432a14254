#!/usr/bin/env python3
"""Writes a CARv1 of N random raw blocks (CIDv1, sha2-256) to stdout; the first block is the root.

Usage: random-car.py N SIZE > out.car   (e.g. 20000 1024, the garbage-collection figure in docs/BENCHMARKS.md)
"""
import hashlib
import os
import sys


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def main():
    count, size = int(sys.argv[1]), int(sys.argv[2])
    out = sys.stdout.buffer
    blocks = []
    for _ in range(count):
        data = os.urandom(size)
        blocks.append((bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(data).digest(), data))
    root = blocks[0][0]
    # DAG-CBOR {"roots": [root], "version": 1}; the CID is tag 42 over 0x00 + its bytes
    header = (bytes([0xA2, 0x65]) + b"roots" + bytes([0x81, 0xD8, 0x2A, 0x58, len(root) + 1, 0x00]) + root
              + bytes([0x67]) + b"version" + bytes([0x01]))
    out.write(varint(len(header)) + header)
    for cid, data in blocks:
        out.write(varint(len(cid) + len(data)) + cid + data)


if __name__ == "__main__":
    main()
