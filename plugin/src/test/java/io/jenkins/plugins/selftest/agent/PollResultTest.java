package io.jenkins.plugins.selftest.agent;

import static io.jenkins.plugins.selftest.fakes.ServiceStates.state;
import static io.jenkins.plugins.selftest.fakes.ServiceStates.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient.LogChunk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A poll's result as the controller gets it back from the agent. */
class PollResultTest {

    @Test
    void crossesTheChannelWithOnlyPluginClassesAndStrings() throws Exception {
        PollResult sent = new PollResult(Optional.of(state(status("ticker", ServiceState.READY))), List.of(chunk("tick 1\ntick 2\n", 14), chunk("", 0)),
                true, 20_000);

        PollResult received = overTheChannel(sent);

        assertThat(received.state()).isEqualTo(sent.state());
        assertThat(received.lines(0)).containsExactly("tick 1", "tick 2");
        assertThat(received.lines(1)).isEmpty();
        assertThat(received.logs()).extracting(LogChunk::nextOffset).containsExactly(14L, 0L);
        assertThat(received.stale()).isTrue();
        assertThat(received.heartbeatAgeMillis()).isEqualTo(20_000);
    }

    @Test
    void linesOfAServiceThePollDidNotReadAreNone() {
        PollResult r = new PollResult(Optional.empty(), List.of(chunk("a\n", 2)), false, -1);

        assertThat(r.lines(0)).containsExactly("a");
        assertThat(r.lines(1)).isEmpty();
        assertThat(r.state()).isEmpty();
    }

    @Test
    void movedWhenAnyNextOffsetDiffersFromTheOffsetAsked() {
        PollResult r = new PollResult(Optional.empty(), List.of(chunk("", 7), chunk("b\n", 12)), false, 0);

        assertThat(r.moved(new long[] {7, 10})).isTrue();
        assertThat(r.moved(new long[] {7, 12})).isFalse();
        assertThat(r.moved(new long[] {7})).as("only the services asked for count").isFalse();
    }

    /**
     * Java serialization as remoting does it, reading back with a filter that, like Jenkins' class filter for the
     * engine jar, trusts no engine class: only the plugin's agent classes and strings.
     */
    private static PollResult overTheChannel(PollResult r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            in.setObjectInputFilter(info -> info.serialClass() == null || info.serialClass() == String.class
                    || info.serialClass().getName().startsWith(PollResult.class.getName())
                    ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED);
            return (PollResult) in.readObject();
        }
    }

    private static LogChunk chunk(String text, long nextOffset) {
        return new LogChunk(text.getBytes(StandardCharsets.UTF_8), nextOffset, false);
    }
}
