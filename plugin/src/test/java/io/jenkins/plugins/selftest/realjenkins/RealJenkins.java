package io.jenkins.plugins.selftest.realjenkins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Jenkins 2.462.3 in a JVM of its own, with the Pipeline plugin set from {@code ../shared/jenkins} and the
 * freshly built {@code .hpi}: the model is jenkins-test-harness's {@code RealJenkinsRule} (a separate controller, a
 * fresh {@code JENKINS_HOME}, restarts on the same home).
 *
 * <p>Security is on, as on a user's controller: Jenkins' own user database with one administrator, whom the
 * harness authenticates as (basic auth, with a session cookie and a CSRF crumb for POSTs); anonymous users may read
 * (so headless Chromium can look at pages) and do nothing else. Tests drive the controller through system Groovy
 * ({@link #groovy}), Pipelines ({@link #run}, {@link #schedule}), the REST API and pages ({@link #get}).
 *
 * <p>Everything the controller logs goes to {@code jenkins.log} beside the home; {@link #problemsSince} returns the
 * {@code SEVERE} lines and class-filter rejections a test must not cause.
 *
 * <p>Not thread-safe: one test drives one controller at a time.
 */
public final class RealJenkins implements AutoCloseable {

    public static final String ADMIN = "admin";
    /** The administrator's password: a throw-away value for a controller on loopback that lives as long as a test. */
    private static final String ADMIN_PASSWORD = "real-jenkins-" + Long.toHexString(System.nanoTime());
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final Pattern SEVERE = Pattern.compile("^\\S.*\\bSEVERE\\b.*$", Pattern.MULTILINE);
    private static final List<String> REJECTIONS = List.of("might be dangerous, so rejecting", "Refusing to marshal");

    private final Path runtime;
    private final Path hpi;
    private final Path dir;
    private final Path home;
    private final Path logFile;
    private final int port;
    private final HttpClient http;
    private Process process;

    private RealJenkins(Path runtime, Path hpi, Path dir) throws IOException {
        this.runtime = runtime;
        this.hpi = hpi;
        this.dir = dir;
        this.home = dir.resolve("home");
        this.logFile = dir.resolve("jenkins.log");
        this.port = freePort();
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The shared runtime beside the project ({@code ../shared/jenkins}), if this clone has one. */
    public static Optional<Path> runtime() {
        String configured = System.getProperty("realJenkins.runtime");
        Path base = configured != null ? Path.of(configured) : Path.of("../../shared/jenkins");
        return Files.isRegularFile(base.resolve("jenkins.war")) ? Optional.of(base.toAbsolutePath().normalize())
                : Optional.empty();
    }

    /** The plugin under test, built by {@code package}. */
    public static Path hpi() {
        return Path.of(System.getProperty("hpi.file", "target/supervised-selftest.hpi")).toAbsolutePath();
    }

    /** A fresh home in {@code dir} with the shared plugins and ours, started and answering. */
    public static RealJenkins start(Path runtime, Path dir) throws IOException, InterruptedException {
        RealJenkins j = new RealJenkins(runtime, hpi(), dir);
        j.prepareHome();
        j.launch();
        return j;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public Path home() {
        return home;
    }

    public Path logFile() {
        return logFile;
    }

    private void prepareHome() throws IOException {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        try (Stream<Path> jpis = Files.list(runtime.resolve("plugins"))) {
            for (Path jpi : jpis.filter(p -> p.toString().endsWith(".jpi")).toList()) {
                Files.copy(jpi, plugins.resolve(jpi.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(hpi, plugins.resolve("supervised-selftest.jpi"), StandardCopyOption.REPLACE_EXISTING);
        Path init = Files.createDirectories(home.resolve("init.groovy.d"));
        // The password reaches the init script through the environment, not a file in the home.
        Files.writeString(init.resolve("00-security.groovy"), """
                import hudson.security.*
                import jenkins.model.Jenkins
                def j = Jenkins.get()
                def realm = new HudsonPrivateSecurityRealm(false, false, null)
                if (realm.getUser('%s') == null) {
                    realm.createAccount('%s', System.getenv('REAL_JENKINS_ADMIN_PASSWORD'))
                }
                j.setSecurityRealm(realm)
                def strategy = new FullControlOnceLoggedInAuthorizationStrategy()
                strategy.setAllowAnonymousRead(true)
                j.setAuthorizationStrategy(strategy)
                j.setNumExecutors(4)
                j.save()
                """.formatted(ADMIN, ADMIN));
    }

    private void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Djenkins.install.runSetupWizard=false",
                "-Dhudson.model.UpdateCenter.never=true",
                "-Dhudson.model.DownloadService.never=true",
                "-Djenkins.model.Jenkins.slaveAgentPort=-1",
                "-Djenkins.model.Jenkins.slaveAgentPortEnforce=true",
                "-jar", runtime.resolve("jenkins.war").toString(),
                "--httpPort=" + port, "--httpListenAddress=127.0.0.1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = pb.environment();
        env.put("JENKINS_HOME", home.toString());
        env.put("REAL_JENKINS_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // a build must not think it runs in this project's own CI, nor inherit its Maven settings
        env.remove("MAVEN_OPTS");
        env.remove("MAVEN_CONFIG");
        process = pb.start();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Jenkins exited with " + process.exitValue() + " while starting; "
                        + "the end of " + logFile + ":\n" + tail(40));
            }
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url() + "api/json?tree=mode"))
                        .header("Authorization", basic()).timeout(Duration.ofSeconds(10)).GET().build());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Jenkins did not answer within " + STARTUP + "; the end of " + logFile
                + ":\n" + tail(40));
    }

    /** Stops the controller as a service manager would (SIGTERM: running Pipelines are saved) and starts it again. */
    public void restart() throws IOException, InterruptedException {
        restart(() -> { });
    }

    /** Something done to the home while the controller is down. */
    @FunctionalInterface
    public interface WhileStopped {
        void run() throws IOException;
    }

    /** {@link #restart()}, doing {@code whileStopped} between the stop and the start. */
    public void restart(WhileStopped whileStopped) throws IOException, InterruptedException {
        stop();
        whileStopped.run();
        launch();
    }

    /** SIGTERM, then waits for Jenkins to save and exit (SIGKILL only after a minute). */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    // ---- HTTP ----

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** GET as the administrator. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url() + strip(path))).header("Authorization", basic())
                .timeout(Duration.ofSeconds(60)).GET().build());
    }

    /** GET as an anonymous user (a client of its own: no session of the administrator's). */
    public HttpResponse<String> getAnonymously(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + strip(path)))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a form as an anonymous user, with no crumb. */
    public HttpResponse<String> postAnonymously(String path, String form) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + strip(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a form as the administrator, with a CSRF crumb of this session. */
    public HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        HttpResponse<String> crumb = get("crumbIssuer/api/json");
        if (crumb.statusCode() != 200) {
            throw new IllegalStateException("no crumb: HTTP " + crumb.statusCode() + " " + crumb.body());
        }
        String field = jsonString(crumb.body(), "crumbRequestField");
        String value = jsonString(crumb.body(), "crumb");
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url() + strip(path))).header("Authorization", basic())
                .header(field, value).header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(600)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Runs system Groovy on the controller and returns what it printed; fails on anything but HTTP 200. */
    public String groovy(String script) throws IOException, InterruptedException {
        HttpResponse<String> r = post("scriptText", Map.of("script", script));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("scriptText answered HTTP " + r.statusCode() + ":\n" + r.body());
        }
        return r.body();
    }

    // ---- Pipelines ----

    /** A finished (or, from {@link #status}, running) build. */
    public record Build(String job, int number, boolean building, String result) {
        public String url() {
            return "job/" + job + "/" + number + "/";
        }
    }

    /** Creates or updates a sandboxed Pipeline job, starts a build and returns its number without waiting. */
    public int schedule(String job, String pipeline) throws IOException, InterruptedException {
        String out = groovy("""
                import org.jenkinsci.plugins.workflow.job.WorkflowJob
                import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition
                def j = jenkins.model.Jenkins.get()
                def job = j.getItemByFullName(%s, WorkflowJob) ?: j.createProject(WorkflowJob, %s)
                job.setDefinition(new CpsFlowDefinition(%s, true))
                job.save()
                println 'BUILD=' + job.scheduleBuild2(0).waitForStart().getNumber()
                """.formatted(groovyString(job), groovyString(job), groovyString(pipeline)));
        Matcher m = Pattern.compile("BUILD=(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("could not start a build of " + job + ":\n" + out);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Runs a Pipeline to its end and returns the finished build. */
    public Build run(String job, String pipeline, Duration timeout) throws IOException, InterruptedException {
        return await(job, schedule(job, pipeline), timeout);
    }

    /** Runs a Pipeline to its end and returns its console; fails with the console unless the build succeeded. */
    public String runToSuccess(String job, String pipeline, Duration timeout) throws IOException, InterruptedException {
        Build b = run(job, pipeline, timeout);
        String console = console(job, b.number());
        if (!"SUCCESS".equals(b.result())) {
            throw new AssertionError(job + " #" + b.number() + " ended " + b.result() + ", not SUCCESS:\n" + console);
        }
        return console;
    }

    public Build status(String job, int number) throws IOException, InterruptedException {
        HttpResponse<String> r = get("job/" + job + "/" + number + "/api/json?tree=building,result");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("job/" + job + "/" + number + " answered HTTP " + r.statusCode());
        }
        String result = r.body().contains("\"result\":null") ? null : jsonString(r.body(), "result");
        return new Build(job, number, r.body().contains("\"building\":true"), result);
    }

    /** Waits until the build has finished; on a time-out fails with the console so far. */
    public Build await(String job, int number, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Build b = status(job, number);
            if (!b.building() && b.result() != null) {
                return b;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("build " + job + " #" + number + " still running after " + timeout
                        + "; console so far:\n" + console(job, number));
            }
            Thread.sleep(300);
        }
    }

    /** Waits until the console of a running build contains {@code text}. */
    public void awaitConsole(String job, int number, String text, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!console(job, number).contains(text)) {
            boolean over = !status(job, number).building();
            if (over && console(job, number).contains(text)) {
                return;
            }
            if (over || Instant.now().isAfter(deadline)) {
                throw new AssertionError("'" + text + "' not in the console of " + job + " #" + number
                        + (over ? ", which has ended" : " after " + timeout) + ":\n" + console(job, number));
            }
            Thread.sleep(300);
        }
    }

    /** The plain console text (what a user reads at {@code consoleText}). */
    public String console(String job, int number) throws IOException, InterruptedException {
        return get("job/" + job + "/" + number + "/consoleText").body();
    }

    // ---- the controller's log ----

    /** Where the log is now; pass it to {@link #problemsSince}. */
    public long logMark() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code SEVERE} records and class-filter rejections Jenkins logged after {@code mark}. */
    public List<String> problemsSince(long mark) {
        String text = logSince(mark);
        List<String> problems = new ArrayList<>();
        Matcher m = SEVERE.matcher(text);
        while (m.find()) {
            // a record is its header line and the message line after it
            int end = text.indexOf('\n', m.end() + 1);
            problems.add(text.substring(m.start(), end < 0 ? text.length() : end).strip());
        }
        for (String line : text.split("\n")) {
            if (REJECTIONS.stream().anyMatch(line::contains)) {
                problems.add(line.strip());
            }
        }
        return problems;
    }

    /** Fails when Jenkins logged a {@code SEVERE} record or a class-filter rejection after {@code mark}. */
    public void assertNoProblemsSince(long mark) {
        List<String> problems = problemsSince(mark);
        if (!problems.isEmpty()) {
            throw new AssertionError("Jenkins logged " + problems.size() + " problem(s) (" + logFile + "):\n"
                    + String.join("\n", problems));
        }
    }

    public String logSince(long mark) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(mark, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tail(int lines) {
        String[] all = logSince(0).split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    // ---- small helpers ----

    /** A Groovy string literal of {@code s}: single-quoted, so nothing in it is interpolated. */
    public static String groovyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'";
    }

    private static String strip(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The string value of a top-level field of a small JSON object (enough for crumbs and build status). */
    static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no string field " + field + " in " + json);
        }
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
