package io.cairn.pin;

import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PinStoreTest {
    @TempDir
    Path dir;

    static Cid cid(String s) {
        return Dags.raw(s).cid();
    }

    @Test
    void pinsSurviveReopening() {
        Path f = dir.resolve("pins");
        PinStore a = PinStore.open(f);
        assertThat(a.addRecursive(cid("r1"))).isTrue();
        assertThat(a.addRecursive(cid("r1"))).isFalse();
        assertThat(a.addDirect(cid("d1"))).isTrue();
        assertThat(a.addDirect(cid("d2"))).isTrue();
        assertThat(a.removeDirect(cid("d2"))).isTrue();
        PinStore b = PinStore.open(f);
        assertThat(b.recursive()).containsExactly(cid("r1"));
        assertThat(b.direct()).containsExactly(cid("d1"));
        // a recursive pin replaces a direct one of the same CID, on disk too
        b.addRecursive(cid("d1"));
        PinStore c = PinStore.open(f);
        assertThat(c.recursive()).containsExactly(cid("r1"), cid("d1"));
        assertThat(c.direct()).isEmpty();
        assertThat(Files.exists(dir.resolve("pins.tmp"))).isFalse();
    }

    @Test
    void aMissingFileIsAnEmptySetAndALeftoverTempFileIsIgnored() throws Exception {
        Path f = dir.resolve("pins");
        PinStore.open(f).addRecursive(cid("kept"));
        // A crash after writing the temp file but before the rename leaves it behind: the old set stands.
        Files.writeString(dir.resolve("pins.tmp"), "cairn-pins 1\nrecursive garbage");
        PinStore s = PinStore.open(f);
        assertThat(s.recursive()).containsExactly(cid("kept"));
        assertThat(Files.exists(dir.resolve("pins.tmp"))).isFalse();
        assertThat(PinStore.open(dir.resolve("none")).size()).isZero();
    }

    @Test
    void aDamagedFileIsRefusedNotGuessed() throws Exception {
        Path f = dir.resolve("pins");
        PinStore s = PinStore.open(f);
        s.addRecursive(cid("a"));
        s.addRecursive(cid("b"));
        String good = Files.readString(f);
        // a lost line: the count and checksum no longer match
        String[] lines = good.split("\n");
        Files.writeString(f, lines[0] + "\n" + lines[2] + "\n" + lines[3] + "\n");
        assertThatThrownBy(() -> PinStore.open(f)).isInstanceOf(PinStoreException.class)
                .hasMessageContaining("damaged").hasMessageContaining("checksum");
        // truncated: no end line
        Files.writeString(f, good.substring(0, good.length() / 2), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PinStore.open(f)).isInstanceOf(PinStoreException.class).hasMessageContaining("damaged");
        Files.writeString(f, "");
        assertThatThrownBy(() -> PinStore.open(f)).isInstanceOf(PinStoreException.class);
        Files.writeString(f, good);
        assertThat(PinStore.open(f).recursive()).containsExactly(cid("a"), cid("b"));
    }

    @Test
    void aFailedWriteIsUndoneInMemory() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        PinStore s = PinStore.open(sub.resolve("pins"));
        s.addDirect(cid("x"));
        // Make the temp file's name a non-empty directory so the write fails.
        Files.createDirectories(sub.resolve("pins.tmp").resolve("block"));
        assertThatThrownBy(() -> s.addRecursive(cid("y"))).isInstanceOf(PinStoreException.class);
        assertThat(s.isRecursive(cid("y"))).isFalse();
        assertThatThrownBy(() -> s.removeDirect(cid("x"))).isInstanceOf(PinStoreException.class);
        assertThat(s.isDirect(cid("x"))).isTrue();
    }
}
