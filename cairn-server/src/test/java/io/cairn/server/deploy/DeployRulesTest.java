package io.cairn.server.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules under deploy/prometheus pass Prometheus's own checker and their unit tests, and
 * every alert has a runbook entry in docs/OPERATIONS.md. Needs Debian's {@code prometheus} package
 * (promtool), which .ci/run installs; without it the test is skipped and says so.
 */
class DeployRulesTest {

    private static Path promtool() {
        var tool = DeployFiles.tool("promtool");
        assumeTrue(tool.isPresent(), "promtool not installed (apt-get install prometheus); .ci/run installs it");
        return tool.get();
    }

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        DeployFiles.Result r = DeployFiles.run(60, DeployFiles.root(), promtool().toString(), "check", "rules",
                DeployFiles.alerts().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + DeployFiles.alertNames().size() + " rules found");
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        DeployFiles.Result r = DeployFiles.run(120, DeployFiles.alertTests().getParent(), promtool().toString(), "test",
                "rules", DeployFiles.alertTests().getFileName().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsUnitTestedAndHasARunbook() throws Exception {
        List<String> alerts = DeployFiles.alertNames();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates();
        String tests = Files.readString(DeployFiles.alertTests());
        String doc = Files.readString(DeployFiles.operationsDoc());
        String rules = Files.readString(DeployFiles.alerts());
        for (String alert : alerts) {
            assertThat(tests).as("a promtool test for " + alert).contains("alertname: " + alert);
            assertThat(doc).as("a runbook heading for " + alert).contains("### " + alert);
            assertThat(rules).as("the runbook link of " + alert)
                    .contains("docs/OPERATIONS.md#" + alert.toLowerCase(Locale.ROOT));
        }
    }
}
