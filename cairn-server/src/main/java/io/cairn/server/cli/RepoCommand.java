package io.cairn.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cairn repo ...}: commands about the repository as a whole. */
@Command(name = "repo", mixinStandardHelpOptions = true, description = "Repository maintenance.",
        subcommands = {RepoVerifyCommand.class, CommandLine.HelpCommand.class})
final class RepoCommand implements Runnable {
    @ParentCommand
    CairnCli cli;

    @Override
    public void run() {
        CommandLine.usage(this, cli.out);
    }
}
