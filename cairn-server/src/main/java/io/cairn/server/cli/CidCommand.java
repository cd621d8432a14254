package io.cairn.server.cli;

import io.cairn.server.ops.BlockEncoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn cid FILE}: the CID FILE would be stored under, computed locally. */
@Command(name = "cid", mixinStandardHelpOptions = true, description = "Print the CID of FILE's bytes as one block.")
final class CidCommand implements Callable<Integer> {
    static final long MAX_BYTES = 64L * 1024 * 1024;

    @ParentCommand
    CairnCli cli;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--cid-version", defaultValue = "1", description = "0 or 1 (default: ${DEFAULT-VALUE}); 0 implies dag-pb and sha2-256.")
    int version;

    @Option(names = "--cid-codec", description = "Codec (default: raw for v1, dag-pb for v0).")
    String codec;

    @Option(names = "--mhtype", defaultValue = "sha2-256", description = "Hash function (default: ${DEFAULT-VALUE}).")
    String mhtype;

    @Option(names = "--mhlen", defaultValue = "-1", description = "Digest length in bytes, -1 for full.")
    int mhlen;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new CliException(file + ": no such file");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            // The whole file is hashed as one block in memory; no block store accepts more than this.
            throw new CliException(file + " is " + size + " bytes; a single block is at most " + MAX_BYTES + " bytes");
        }
        BlockEncoding base = BlockEncoding.kubo(null, codec, mhtype, mhlen);
        BlockEncoding encoding = version == 0
                ? new BlockEncoding(0, codec == null ? io.cairn.cid.Multicodec.DAG_PB : base.codec(), base.hash(), mhlen)
                : new BlockEncoding(version, base.codec(), base.hash(), mhlen);
        cli.out.println(encoding.cidFor(Files.readAllBytes(file)));
        return 0;
    }
}
