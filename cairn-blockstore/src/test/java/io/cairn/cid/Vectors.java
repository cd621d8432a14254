package io.cairn.cid;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.util.Map;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the third-party test vectors from the test classpath. A missing vector fails the test that
 * asked for it, so the vector tests can never pass vacuously.
 */
public final class Vectors {
    private Vectors() {
    }

    public static Path path(String relative) {
        URL url = Vectors.class.getClassLoader().getResource("vectors/" + relative);
        if (url == null) {
            return fail("test vector 'vectors/" + relative + "' is missing from the test classpath");
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                // Running from a test-jar: mount it once; the file system stays open for the JVM's life.
                try {
                    FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException alreadyMounted) {
                    // another test mounted it first
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return Path.of(uri);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> lines(String relative) {
        try {
            List<String> lines = Files.readAllLines(path(relative), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                fail("test vector 'vectors/" + relative + "' is empty");
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file under {@code codec-fixtures/fixtures}, failing when there are none. */
    public static List<Path> codecFixtures() {
        try (Stream<Path> files = Files.walk(path("codec-fixtures/fixtures"))) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList());
            if (all.size() < 200) {
                fail("expected the ~270 ipld/codec-fixtures files, found " + all.size());
            }
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
