package io.cairn.bench.cli;

import io.cairn.bench.load.Timeline;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The options and the file handling shared by the harnesses that run the server in a child JVM
 * ({@code pressure}, {@code soak}): where the timeline goes, where the server keeps its data and
 * logs, and whether its block data is deleted afterwards. Used as a picocli mixin.
 */
final class HarnessFiles {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: <repo>/docs/results).")
    Path out;

    @Option(names = "--work", paramLabel = "DIR", description = "Server data/log folder (default: a new temp folder).")
    Path work;

    @Option(names = "--keep-data", description = "Keep the server's block data afterwards (logs are always kept).")
    boolean keepData;

    /** {@code --out}, else {@code <repo>/docs/results}. */
    Path outDir() {
        return out != null ? out : RepoPaths.repoRoot().resolve("docs/results");
    }

    /** {@code --work}, else a new temporary folder named {@code tempPrefix...}. */
    Path workDir(String tempPrefix) throws IOException {
        return work != null ? work : Files.createTempDirectory(tempPrefix);
    }

    /**
     * Writes {@code <name>-timeline.csv} and {@code .png} into {@code outDir}, deletes the server's
     * block data unless {@code --keep-data}, and says where the files are.
     */
    void finish(String name, Timeline timeline, List<Timeline.PanelSpec> panels, Path outDir, Path workDir)
            throws IOException {
        Path csv = outDir.resolve(name + "-timeline.csv");
        timeline.writeCsv(csv);
        timeline.writePng(outDir.resolve(name + "-timeline.png"), panels);
        if (!keepData) {
            WorkDirs.deleteData(workDir);
        }
        System.out.println("timeline: " + csv + " and .png; server files in " + workDir);
    }
}
