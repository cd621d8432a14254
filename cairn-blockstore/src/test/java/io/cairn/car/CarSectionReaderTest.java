package io.cairn.car;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

/** {@link CarReader#nextSection}: the CID from the section's first bytes, the data as a stream. */
class CarSectionReaderTest {

    record Section(Cid cid, int length, byte[] data) {
    }

    static byte[] car(List<Cid> cids, List<byte[]> data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(cids.getFirst()));
        for (int i = 0; i < cids.size(); i++) {
            w.write(cids.get(i), data.get(i));
        }
        w.flush();
        return out.toByteArray();
    }

    static List<Section> readAll(byte[] car) throws IOException {
        CarReader r = CarReader.open(new ByteArrayInputStream(car));
        List<Section> out = new ArrayList<>();
        Section s;
        while ((s = r.nextSection(len -> { }, (cid, n, in) -> new Section(cid, n, in.readAllBytes()))) != null) {
            out.add(s);
        }
        return out;
    }

    @Test
    void sectionsComeBackAsTheirCidAndAStreamOfTheirData() throws IOException {
        Random rnd = new Random(1);
        List<Cid> cids = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int size : new int[] {0, 1, 1000, 300_000}) {
            byte[] d = new byte[size];
            rnd.nextBytes(d);
            data.add(d);
            cids.add(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, d));
        }
        // an identity CID longer than the 1,024 bytes read to find a CID: read whole instead
        byte[] inline = new byte[2000];
        rnd.nextBytes(inline);
        data.add(inline);
        cids.add(Cid.v1(Multicodec.RAW, Multihash.of(HashFunction.IDENTITY.code(), inline)));
        List<Section> got = readAll(car(cids, data));
        assertThat(got).hasSize(cids.size());
        for (int i = 0; i < cids.size(); i++) {
            assertThat(got.get(i).cid()).isEqualTo(cids.get(i));
            assertThat(got.get(i).length()).isEqualTo(data.get(i).length);
            assertThat(got.get(i).data()).isEqualTo(data.get(i));
        }
    }

    @Test
    void unreadDataIsSkippedAndATruncatedSectionIsRefused() throws IOException {
        byte[] a = new byte[5000];
        byte[] b = new byte[70_000];
        new Random(2).nextBytes(b);
        Cid ca = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, a);
        Cid cb = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, b);
        byte[] car = car(List.of(ca, cb), List.of(a, b));
        CarReader r = CarReader.open(new ByteArrayInputStream(car));
        Cid first = r.nextSection(len -> { }, (cid, n, in) -> cid); // its data left unread
        byte[] second = r.nextSection(len -> { }, (cid, n, in) -> in.readAllBytes());
        Cid end = r.nextSection(len -> { }, (cid, n, in) -> cid);
        assertThat(first).isEqualTo(ca);
        assertThat(second).isEqualTo(b);
        assertThat(end).isNull();

        CarReader cut = CarReader.open(new ByteArrayInputStream(Arrays.copyOf(car, car.length - 100)));
        cut.nextSection(len -> { }, (cid, n, in) -> cid);
        assertThatThrownBy(() -> cut.nextSection(len -> { }, (cid, n, in) -> in.readAllBytes()))
                .isInstanceOf(InvalidCarException.class).hasMessageContaining("truncated");
    }
}
