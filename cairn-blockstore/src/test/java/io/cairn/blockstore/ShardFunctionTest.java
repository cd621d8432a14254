package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ShardFunctionTest {

    @Test
    void examplesMatchGoDsFlatfs() {
        // Expected values worked out by hand from go-ds-flatfs's shard.go (padding with '_').
        ShardFunction ntl2 = ShardFunction.parse("/repo/flatfs/shard/v1/next-to-last/2");
        assertThat(ntl2).isEqualTo(ShardFunction.DEFAULT);
        assertThat(ntl2.shard("CIQCYXLKMHQQOJGM4E64L5OV5YUSTSGJBUJYF6PBFWVCGOI5EVZGMTY")).isEqualTo("MT");
        assertThat(ntl2.shard("ABC")).isEqualTo("AB");
        assertThat(ntl2.shard("AB")).isEqualTo("_A");
        assertThat(ntl2.shard("A")).isEqualTo("__");
        assertThat(ntl2.shard("")).isEqualTo("__");

        ShardFunction prefix3 = ShardFunction.parse("/repo/flatfs/shard/v1/prefix/3");
        assertThat(prefix3.shard("ABCDE")).isEqualTo("ABC");
        assertThat(prefix3.shard("AB")).isEqualTo("AB_");

        ShardFunction suffix3 = ShardFunction.parse("/repo/flatfs/shard/v1/suffix/3");
        assertThat(suffix3.shard("ABCDE")).isEqualTo("CDE");
        assertThat(suffix3.shard("AB")).isEqualTo("_AB");
    }

    @Test
    void parseAcceptsTheFileFormWithNewlineAndTheShortForms() {
        assertThat(ShardFunction.parse("/repo/flatfs/shard/v1/prefix/2\n").id()).isEqualTo("/repo/flatfs/shard/v1/prefix/2");
        assertThat(ShardFunction.parse("v1/suffix/4").id()).isEqualTo("/repo/flatfs/shard/v1/suffix/4");
        assertThat(ShardFunction.parse("next-to-last/3").id()).isEqualTo("/repo/flatfs/shard/v1/next-to-last/3");
    }

    @Test
    void parseRejectsWhatKuboWouldNotWriteNamingTheText() {
        for (String bad : new String[] {"", "/repo/flatfs/shard/v2/prefix/2", "/repo/flatfs/shard/v1/prefix",
                "/repo/flatfs/shard/v1/prefix/x", "/repo/flatfs/shard/v1/prefix/-1", "/repo/flatfs/shard/v1/prefix/0",
                "/repo/other/v1/prefix/2", "/repo/flatfs/shard/v1/mod/2", "prefix/99999", "a/b/c/d"}) {
            assertThatThrownBy(() -> ShardFunction.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad.strip() + "'");
        }
    }

    @Property(tries = 300)
    void everyShardHasTheFunctionsWidthAndComesFromTheKeyOrPadding(@ForAll("keys") String key,
            @ForAll("functions") ShardFunction.Kind kind, @ForAll @IntRange(min = 1, max = 8) int width) {
        ShardFunction f = new ShardFunction(kind, width);
        String shard = f.shard(key);
        assertThat(shard).hasSize(width);
        String unpadded = shard.replace("_", "");
        assertThat(key).contains(unpadded);
        if (key.length() > width) {
            assertThat(shard).doesNotContain("_");
            switch (kind) {
                case PREFIX -> assertThat(key).startsWith(shard);
                case SUFFIX -> assertThat(key).endsWith(shard);
                case NEXT_TO_LAST -> assertThat(key.substring(0, key.length() - 1)).endsWith(shard);
            }
        }
        assertThat(ShardFunction.parse(f.id())).isEqualTo(f);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").ofMinLength(0).ofMaxLength(70);
    }

    @Provide
    Arbitrary<ShardFunction.Kind> functions() {
        return Arbitraries.of(ShardFunction.Kind.class);
    }
}
