package io.cairn.pin;

import io.cairn.blockstore.Block;

import java.nio.file.Path;

/**
 * Child process of {@link PinCrashTest}: adds pins to the pin file in {@code args[0]} without end,
 * alternating recursive and direct pins and removing every third one, and prints
 * {@code ADDING cid} / {@code DELETING cid} before each change and {@code ADD cid} / {@code DEL cid}
 * once it has returned (is acknowledged).
 */
public final class PinCrashWriter {
    private PinCrashWriter() {
    }

    public static void main(String[] args) {
        PinStore pins = PinStore.open(Path.of(args[0]));
        long seed = Long.parseLong(args[1]);
        System.out.println("OPEN " + pins.size());
        for (long i = 0; ; i++) {
            var cid = Block.raw(("pin " + seed + " " + i).getBytes()).cid();
            System.out.println("ADDING " + cid);
            if (i % 2 == 0) {
                pins.addRecursive(cid);
            } else {
                pins.addDirect(cid);
            }
            System.out.println("ADD " + cid);
            if (i % 3 == 2) {
                var victim = Block.raw(("pin " + seed + " " + (i - 1)).getBytes()).cid();
                System.out.println("DELETING " + victim);
                pins.removeDirect(victim);
                pins.removeRecursive(victim);
                System.out.println("DEL " + victim);
            }
        }
    }
}
