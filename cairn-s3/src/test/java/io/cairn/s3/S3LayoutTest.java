package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class S3LayoutTest {
    @TempDir
    Path tmp;

    private static final Multihash HELLO = Block.raw("Hello Mars!\n".getBytes(StandardCharsets.UTF_8)).cid().multihash();

    @Test
    void objectKeysAreFlatFsPathsUnderThePrefix() throws Exception {
        S3Layout layout = new S3Layout("/cairn/node-1/");
        String key = layout.objectKey(HELLO);
        String blockKey = S3Layout.blockKey(HELLO);
        assertThat(key).isEqualTo("cairn/node-1/" + blockKey.substring(blockKey.length() - 3, blockKey.length() - 1)
                + "/" + blockKey + ".data");
        assertThat(blockKey).startsWith("CIQ"); // sha2-256 multihashes all share it: hence the shard from the end

        // the same relative path as Kubo's flatfs writes for the block
        try (FlatFsBlockstore fs = FlatFsBlockstore.open(tmp, FlatFsOptions.defaults())) {
            fs.put(Block.raw("Hello Mars!\n".getBytes(StandardCharsets.UTF_8)));
            try (Stream<Path> files = Files.walk(fs.flatFsDirectory())) {
                List<String> data = files.filter(p -> p.toString().endsWith(".data"))
                        .map(p -> fs.flatFsDirectory().relativize(p).toString()).toList();
                assertThat(data).containsExactly(new S3Layout("").objectKey(HELLO));
            }
        }
    }

    @Test
    void parseInvertsObjectKeyAndRejectsForeignObjects() {
        S3Layout layout = new S3Layout("p");
        String key = layout.objectKey(HELLO);
        assertThat(layout.parse(key)).isEqualTo(HELLO);
        String blockKey = S3Layout.blockKey(HELLO);
        assertThat(layout.parse("p/XX/" + blockKey + ".data")).as("wrong shard").isNull();
        assertThat(layout.parse(key.replace(".data", ".tmp"))).isNull();
        assertThat(layout.parse("q/" + key.substring(2))).as("other prefix").isNull();
        assertThat(layout.parse("p/" + key.substring(2, 5) + "x/" + blockKey + ".data")).isNull();
        assertThat(layout.parse("p/AB/notbase32!.data")).isNull();
        assertThat(layout.parse("p/README")).isNull();
        assertThat(new S3Layout("").parse(new S3Layout("").objectKey(HELLO))).isEqualTo(HELLO);
    }

    @Test
    void shortKeysArePaddedAsGoDsFlatfsPadsThem() {
        assertThat(S3Layout.shard("AB")).isEqualTo("_A");
        assertThat(S3Layout.shard("ABCD")).isEqualTo("BC");
        assertThat(Cid.v1(0x55, HELLO).multihash()).isEqualTo(HELLO);
    }
}
