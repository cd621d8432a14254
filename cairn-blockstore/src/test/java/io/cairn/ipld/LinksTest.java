package io.cairn.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Vectors;

/**
 * Link extraction checked against ipld/codec-fixtures: each fixture directory holds the same data
 * model value as dag-json (where a link is written {@code {"/":"<cid>"}}) and as dag-cbor / dag-pb,
 * so the links found in the binary forms must be the CIDs spelled out in the JSON form.
 */
class LinksTest {
    private static final Pattern JSON_LINK = Pattern.compile("\\{\"/\":\"([^\"]+)\"}");

    @Test
    void binaryFormsYieldTheLinksTheJsonFormSpellsOut() throws IOException {
        int dirs = 0;
        int withLinks = 0;
        int pb = 0;
        try (Stream<Path> list = Files.list(Vectors.path("codec-fixtures/fixtures"))) {
            for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
                List<Path> files;
                try (Stream<Path> f = Files.list(dir)) {
                    files = f.toList();
                }
                Path json = only(files, ".dag-json");
                List<Cid> expected = new ArrayList<>();
                Matcher m = JSON_LINK.matcher(Files.readString(json, StandardCharsets.UTF_8));
                while (m.find()) {
                    expected.add(Cid.parseAny(m.group(1)));
                }
                for (Path p : files) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".dag-cbor") || name.endsWith(".dag-pb") || name.endsWith(".dag-json")) {
                        Cid cid = Cid.parse(name.substring(0, name.indexOf('.')));
                        List<Cid> links = Links.of(cid, Vectors.read(p));
                        // dag-json and dag-cbor sort map keys differently, so dag-cbor may reorder links
                        if (!name.endsWith(".dag-cbor")) {
                            assertThat(links).as(dir.getFileName() + "/" + name).containsExactlyElementsOf(expected);
                        } else {
                            assertThat(links).as(dir.getFileName() + "/" + name)
                                    .containsExactlyInAnyOrderElementsOf(expected);
                        }
                        pb += name.endsWith(".dag-pb") ? 1 : 0;
                    }
                }
                withLinks += expected.isEmpty() ? 0 : 1;
                dirs++;
            }
        }
        assertThat(dirs).isGreaterThanOrEqualTo(120);
        assertThat(withLinks).isGreaterThanOrEqualTo(20);
        assertThat(pb).isEqualTo(17);
    }

    @Test
    void dagJsonWalksTheGrammarNotTheText() {
        Cid child = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, new byte[] {1});
        String json = "{\"a\":\"{\\\"/\\\":\\\"x\\\"}\",\"b\":[1.5e3,true,null,{\"/\":{\"bytes\":\"AQ\"}},"
                + "{\"/\":\"" + child + "\"}],\"c\":{\"/\":\"" + child + "\",\"d\":1}}";
        Cid self = Cid.of(Multicodec.DAG_JSON, HashFunction.SHA2_256, json.getBytes(StandardCharsets.UTF_8));
        // the escaped link inside "a" is a string, {"/":{"bytes":..}} is bytes, and "c" has a second key
        assertThat(Links.of(self, json.getBytes(StandardCharsets.UTF_8))).containsExactly(child);
        assertThatThrownBy(() -> Links.of(self, "{\"/\":\"bafyNOTACID\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("invalid dag-json at offset 5")
                .hasMessageContaining("bad link");
        assertThatThrownBy(() -> Links.of(self, "[1,2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("unexpected end of data");
        assertThatThrownBy(() -> Links.of(self, "[1] x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("trailing data");
    }

    private static Path only(List<Path> files, String suffix) {
        List<Path> match = files.stream().filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        assertThat(match).as("%s file among %s", suffix, files).hasSize(1);
        return match.getFirst();
    }

    @Test
    void rawAndUnknownCodecsAreLeaves() {
        byte[] cborWithLink = DagCbor.encode(List.of(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, new byte[1])));
        assertThat(Links.of(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, cborWithLink), cborWithLink)).isEmpty();
        assertThat(Links.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, cborWithLink), cborWithLink)).hasSize(1);
        assertThat(Links.understands(Multicodec.DAG_PB)).isTrue();
        assertThat(Links.understands(Multicodec.RAW)).isFalse();
    }

    @Test
    void malformedDagPbIsReportedNotSkipped() {
        Cid pbCid = Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, new byte[0]);
        // PBNode field 2 (Links) declaring 5 bytes with only 1 present
        assertThatThrownBy(() -> Links.of(pbCid, new byte[] {0x12, 0x05, 0x0a}))
                .isInstanceOf(MalformedBlockException.class)
                .hasMessageContaining("invalid dag-pb").hasMessageContaining("declares 5 bytes but only 1 remain");
        // field 3 does not exist in PBNode
        assertThatThrownBy(() -> Links.of(pbCid, new byte[] {0x1a, 0x00}))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("unexpected field 3");
        // a PBLink without a Hash
        assertThatThrownBy(() -> Links.of(pbCid, new byte[] {0x12, 0x02, 0x18, 0x01}))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("without a Hash");
        // a PBLink whose Hash is not a CID
        assertThatThrownBy(() -> Links.of(pbCid, new byte[] {0x12, 0x04, 0x0a, 0x02, 0x01, 0x55}))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("bad CID in PBLink.Hash");
    }
}
