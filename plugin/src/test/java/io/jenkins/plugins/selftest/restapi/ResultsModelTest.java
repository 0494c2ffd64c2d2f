package io.jenkins.plugins.selftest.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResultsModelTest {

    /** Regression (issue #8, 10b): failures[].reportFile showed the agent's absolute path. */
    @ParameterizedTest
    @CsvSource({
            "/home/agent/workspace/app@tmp/selftest-3f2a/shards/shard-0/reports/TEST-com.example.FooTest.xml,"
                    + " shards/shard-0/reports/TEST-com.example.FooTest.xml",
            "C:\\jenkins\\workspace\\app@tmp\\selftest-3f2a\\shards\\shard-1\\reports\\TEST-x.xml, shards/shard-1/reports/TEST-x.xml",
            "/var/lib/jenkins/jobs/app/builds/7/selftest/shards/shard-2/reports/TEST-x.xml, shards/shard-2/reports/TEST-x.xml",
            "/tmp/collected/shards/shard-3/reports/TEST-x.xml, shards/shard-3/reports/TEST-x.xml",
            "/home/agent/workspace/app/target/surefire-reports/TEST-x.xml, TEST-x.xml",
            "D:/ws/TEST-y.xml, TEST-y.xml",
            "shards/shard-0/reports/TEST-x.xml, shards/shard-0/reports/TEST-x.xml",
            "TEST-evil.xml, TEST-evil.xml"})
    void reportFilesAreShownRelativeNeverAsAgentPaths(String path, String shown) {
        assertThat(ResultsModel.reportFile(path)).isEqualTo(shown);
    }
}
