package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;

import java.io.IOException;
import java.io.InputStream;

/** {@link UploadChunk}s backed by heap {@code byte[]}s. */
final class HeapChunks implements UploadChunk.Allocator {
    static final HeapChunks INSTANCE = new HeapChunks();

    private HeapChunks() {
    }

    @Override
    public UploadChunk allocate(int capacity) {
        return new Chunk(new byte[capacity]);
    }

    @Override
    public long footprint(int capacity) {
        return HeapFootprint.ofByteArray(capacity);
    }

    private record Chunk(byte[] bytes) implements UploadChunk {
        @Override
        public int capacity() {
            return bytes.length;
        }

        @Override
        public long footprint() {
            return HeapFootprint.ofByteArray(bytes.length);
        }

        @Override
        public int readFrom(InputStream in, int offset, int length) throws IOException {
            return in.read(bytes, offset, length);
        }

        @Override
        public void copyTo(int offset, byte[] target, int at, int length) {
            System.arraycopy(bytes, offset, target, at, length);
        }
    }
}
