package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** supervisedService in a real Jenkins: a new job, the block, the clean stop. */
@ExtendWith(RealJenkinsExtension.class)
class SupervisedServiceIT {

    @Test
    void pluginIsLoadedAndActive(RealJenkins j) throws Exception {
        String plugins = j.get("pluginManager/api/json?depth=1&tree=plugins[shortName,active,enabled]").body();
        assertThat(plugins).contains("\"active\":true,\"enabled\":true,\"shortName\":\"supervised-selftest\"");
    }

    @Test
    void firstStepOfANewJobRunsTheServiceAndTheBody(RealJenkins j) throws Exception {
        RealJenkins.Build b = j.run("first-step", """
                node {
                  supervisedService(name: 'ticker', command: 'while true; do echo tick; sleep 0.2; done',
                                    ready: [log: 'tick', timeout: '30s']) {
                    sh 'echo body ran'
                  }
                }
                """, Duration.ofMinutes(3));
        String log = j.console(b.job(), b.number());
        assertThat(b.result()).as(log).isEqualTo("SUCCESS");
        assertThat(log).contains("body ran");
    }
}
