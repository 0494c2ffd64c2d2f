package io.jenkins.plugins.selftest.bench;


/**
 * Benchmarks, not tests: {@code java -jar bench/target/bench.jar <supervisor|selftest> [options]} prints one JSON
 * line of figures. See docs/performance.md for the targets and the recorded results.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench.jar <supervisor|selftest|selftest-suites|daemon-json> [options]");
            System.exit(2);
        }
        
        switch (args[0]) {
            case "supervisor" -> SupervisorBench.main(java.util.List.of(args).subList(1, args.length));
            case "selftest" -> SelfTestBench.main(args);
            case "selftest-suites" -> SuiteBench.main(args);
            case "daemon-json" -> DaemonJsonBench.main(new String[0]);
            default -> {
                System.err.println("unknown benchmark '" + args[0] + "': use supervisor, selftest, selftest-suites or daemon-json");
                System.exit(2);
            }
        }
    }
}
