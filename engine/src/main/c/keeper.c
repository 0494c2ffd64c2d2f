/*
 * The keeper (io.jenkins.plugins.selftest.engine.process.Keeper), compiled: the same requests, answers and records as
 * keeper.pl, whose head describes them, and the same steps in each child. What it changes is how a child is made:
 * the child shares the keeper's memory until its exec (vfork, or clone3 with CLONE_VM | CLONE_VFORK and, for a run
 * with its own cgroup, CLONE_INTO_CGROUP), so a start costs what posix_spawn costs, where perl can only fork and copy
 * its page tables (on a virtual machine whose page faults are dear, a burst of 100 starts took 3.4 times as long).
 *
 * Built statically by the engine's build (no library to match on the machine it runs on) for the architecture of the
 * machine that builds it; the Java side falls back to keeper.pl where this binary is missing or cannot be run.
 * Arguments: its name in ps, then 'fork' to never start a child inside its cgroup with clone3. Its first line says
 * "K ready", which keeper.pl does not (the JVM waits for the compiled keeper to run before it sends anything).
 *
 * A child made with shared memory runs only system calls until its exec or _exit (as posix_spawn's does): no malloc,
 * no stdio, every string it needs prepared by the keeper before. All signals are blocked across the start, and the
 * child resets the two the keeper handles before it restores the keeper's first mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435 /* the same number on every architecture */
#endif
#define CLONE_INTO_CGROUP_FLAG 0x200000000ULL
#define CHILD_STACK_SIZE (256 * 1024)

extern char **environ;

/* the kernel's struct clone_args up to its cgroup field (Linux 5.7) */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* a request: its fields, each a NUL-terminated copy in the one block that also holds the pointers */
struct request {
    int count;
    char **fields;
    char *block;
};

/* a live child: its exit file ('' for none) and the start armed on its end (NULL for none) with the codes that skip it */
struct child {
    pid_t pid;
    char *exit_file;
    char *skip;
    struct request *armed;
};

/* what a child needs between its birth and its exec, all made by the keeper before */
struct plan {
    int new_session, joined, discard, truncate;
    const char *dir, *out, *cgroup, *pid_file, *command;
    char **argv, **envp, **paths;
    int path_count;
    sigset_t mask;
};

struct text {
    char *bytes;
    size_t length, capacity;
};

static struct child *children;
static size_t child_count, child_capacity;
static struct text input_buffer;
static size_t input_start;
static struct text gathered;
static int gathering;
static int clone3_allowed = 1;
static int wake[2];
static sigset_t first_mask;
static char *child_stack;

static void *must(void *p) {
    if (p == NULL) {
        static const char message[] = "selftest-keeper: out of memory\n";
        (void) !write(2, message, sizeof message - 1);
        _exit(70);
    }
    return p;
}

static void append(struct text *t, const char *bytes, size_t length) {
    if (t->length + length + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity : 4096;
        while (capacity < t->length + length + 1) {
            capacity *= 2;
        }
        t->bytes = must(realloc(t->bytes, capacity));
        t->capacity = capacity;
    }
    memcpy(t->bytes + t->length, bytes, length);
    t->length += length;
    t->bytes[t->length] = '\0';
}

/* all of it, or as much as a reader that has gone lets through (a JVM that has died: the exit files count then) */
static void write_all(const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = write(1, bytes, length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        bytes += written;
        length -= (size_t) written;
    }
}

/* one answer line; gathered while a batch of starts is made, else written at once */
static void say(const char *format, ...) {
    char line[4096];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line - 1, format, args);
    va_end(args);
    if (length < 0) {
        return;
    }
    if ((size_t) length > sizeof line - 2) {
        length = sizeof line - 2;
    }
    line[length++] = '\n';
    if (gathering) {
        append(&gathered, line, (size_t) length);
    } else {
        write_all(line, (size_t) length);
    }
}

static void free_request(struct request *r) {
    if (r != NULL) {
        free(r->block);
        free(r);
    }
}

static struct child *child_of(pid_t pid) {
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].pid == pid) {
            return &children[i];
        }
    }
    return NULL;
}

static void add_child(pid_t pid, const char *exit_file) {
    if (child_count == child_capacity) {
        child_capacity = child_capacity ? child_capacity * 2 : 64;
        children = must(realloc(children, child_capacity * sizeof *children));
    }
    children[child_count++] = (struct child) {pid, must(strdup(exit_file)), NULL, NULL};
}

/* "pid\n" into buffer, without stdio (the child of a start runs system calls only) */
static size_t pid_line(char *buffer, long pid) {
    char digits[24];
    size_t n = 0, length = 0;
    do {
        digits[n++] = (char) ('0' + pid % 10);
        pid /= 10;
    } while (pid > 0);
    while (n > 0) {
        buffer[length++] = digits[--n];
    }
    buffer[length++] = '\n';
    return length;
}

/* the text of an error in the child, where strerror may allocate (a locale's catalogue) */
static const char *error_text(int error) {
    switch (error) {
        case ENOENT: return "No such file or directory";
        case EACCES: return "Permission denied";
        case ENOTDIR: return "Not a directory";
        case ENOEXEC: return "Exec format error";
        case EISDIR: return "Is a directory";
        case ENAMETOOLONG: return "File name too long";
        case ELOOP: return "Too many levels of symbolic links";
        case E2BIG: return "Argument list too long";
        case ENOMEM: return "Cannot allocate memory";
        case ETXTBSY: return "Text file busy";
        case EPERM: return "Operation not permitted";
        default: return "cannot execute";
    }
}

static void child_says(const char *a, const char *b, const char *c, const char *d, const char *e) {
    const char *parts[] = {a, b, c, d, e};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (parts[i] != NULL) {
            (void) !write(2, parts[i], strlen(parts[i]));
        }
    }
}

/* the child of a start, up to its exec: the same steps in the same order as keeper.pl's */
static int child_main(void *argument) {
    const struct plan *p = argument;
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &default_action, NULL);
    sigaction(SIGCHLD, &default_action, NULL);
    sigprocmask(SIG_SETMASK, &p->mask, NULL);
    if (p->new_session) {
        setsid();
    }
    char line[24];
    size_t length = pid_line(line, (long) getpid());
    /* join the cgroup before anything else runs, so nothing the process forks is ever outside it */
    if (!p->joined && p->cgroup[0] != '\0') {
        int fd = open(p->cgroup, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            (void) !write(fd, line, length);
            close(fd);
        }
    }
    if (p->pid_file[0] != '\0') {
        int fd = open(p->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd >= 0) {
            (void) !write(fd, line, length);
            close(fd);
        }
    }
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0 && in != 0) {
        dup2(in, 0);
        close(in);
    }
    int out = p->discard ? open("/dev/null", O_WRONLY)
            : open(p->out, O_WRONLY | O_CREAT | (p->truncate ? O_TRUNC : O_APPEND), 0666);
    if (out < 0) {
        _exit(127);
    }
    if (out != 1) {
        dup2(out, 1);
        close(out);
    }
    dup2(1, 2);
    if (p->dir[0] != '\0' && chdir(p->dir) != 0) {
        child_says("cannot start '", p->command, "': working directory ", p->dir, ": ");
        child_says(error_text(errno), "\n", NULL, NULL, NULL);
        _exit(127);
    }
    /* as execvp, over the candidates the keeper found on the PATH the process gets */
    int error = ENOENT, denied = 0;
    for (int i = 0; i < p->path_count; i++) {
        execve(p->paths[i], p->argv, p->envp);
        error = errno;
        if (error == EACCES) {
            denied = 1;
        } else if (error != ENOENT && error != ENOTDIR && error != ESTALE && error != ENODEV && error != ETIMEDOUT) {
            break;
        }
    }
    child_says("cannot start '", p->command, "': ", error_text(denied && error != ENOEXEC ? EACCES : error), "\n");
    _exit(127);
}

/* -DKEEPER_PORTABLE_CLONE3 builds the other architectures' clone3 (a fork) on x86-64 too, to try it there */
#if defined(__x86_64__) && !defined(KEEPER_PORTABLE_CLONE3)
/*
 * clone3 with the child on its own stack, where it runs child_main(plan) and then exits: with CLONE_VM | CLONE_VFORK
 * the keeper waits, as after vfork, until the child has exec'd or ended. In the child only the registers of this
 * block are used before the call (it never returns into compiled code of the keeper's). The pid, or -errno.
 */
static long clone3_run(struct clone3_args *args, struct plan *plan) {
    long result;
    register long function __asm__("r8") = (long) child_main;
    register long argument __asm__("r9") = (long) plan;
    __asm__ volatile(
            "syscall\n\t"
            "testq %%rax, %%rax\n\t"
            "jnz 1f\n\t"
            "xorl %%ebp, %%ebp\n\t"
            "andq $-16, %%rsp\n\t"
            "movq %%r9, %%rdi\n\t"
            "callq *%%r8\n\t"
            "movl %%eax, %%edi\n\t"
            "movl $60, %%eax\n\t" /* exit */
            "syscall\n\t"
            "hlt\n\t"
            "1:\n\t"
            : "=a"(result)
            : "0"((long) SYS_clone3), "D"(args), "S"(sizeof *args), "r"(function), "r"(argument)
            : "rcx", "r11", "memory");
    return result;
}
#else
/* elsewhere clone3 as a fork (the child has its own copy of the memory and returns here): the pid, or -errno */
static long clone3_run(struct clone3_args *args, struct plan *plan) {
    args->flags &= ~(uint64_t) (CLONE_VM | CLONE_VFORK);
    args->stack = 0;
    args->stack_size = 0;
    long pid = syscall(SYS_clone3, args, sizeof *args);
    if (pid == 0) {
        _exit(child_main(plan));
    }
    return pid < 0 ? -errno : pid;
}
#endif

/* the environment the process gets: the keeper's unless cleared, with the request's variables set over it */
static char **environment(int clear, char **variables, int count, size_t *own) {
    size_t inherited = 0;
    if (!clear) {
        while (environ[inherited] != NULL) {
            inherited++;
        }
    }
    char **envp = must(calloc(inherited + (size_t) count / 2 + 1, sizeof *envp));
    size_t n = 0;
    for (size_t i = 0; i < inherited; i++) {
        int replaced = 0;
        for (int v = 0; v + 1 < count && !replaced; v += 2) {
            size_t name = strlen(variables[v]);
            replaced = strncmp(environ[i], variables[v], name) == 0 && environ[i][name] == '=';
        }
        if (!replaced) {
            envp[n++] = environ[i];
        }
    }
    *own = n;
    for (int v = 0; v + 1 < count; v += 2) {
        /* the last of two settings of one name wins, as in a hash */
        int later = 0;
        for (int w = v + 2; w + 1 < count && !later; w += 2) {
            later = strcmp(variables[v], variables[w]) == 0;
        }
        if (!later) {
            size_t length = strlen(variables[v]) + strlen(variables[v + 1]) + 2;
            envp[n] = must(malloc(length));
            snprintf(envp[n++], length, "%s=%s", variables[v], variables[v + 1]);
        }
    }
    envp[n] = NULL;
    return envp;
}

/* the files execvp would try for command with the PATH of envp (its default where there is none) */
static char **candidates(const char *command, char **envp, int *count) {
    if (strchr(command, '/') != NULL) {
        char **paths = must(calloc(1, sizeof *paths));
        paths[0] = must(strdup(command));
        *count = 1;
        return paths;
    }
    const char *path = "/bin:/usr/bin";
    for (char **e = envp; *e != NULL; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) {
            path = *e + 5;
        }
    }
    size_t entries = 1;
    for (const char *c = path; *c != '\0'; c++) {
        entries += *c == ':';
    }
    char **paths = must(calloc(entries, sizeof *paths));
    int n = 0;
    for (const char *start = path;; ) {
        const char *end = strchrnul(start, ':');
        size_t length = (size_t) (end - start);
        size_t size = length + strlen(command) + 3;
        paths[n] = must(malloc(size));
        /* an empty entry is the working directory */
        snprintf(paths[n++], size, "%.*s%s%s", (int) length, start, length == 0 ? "./" : "/", command);
        if (*end == '\0') {
            break;
        }
        start = end + 1;
    }
    *count = n;
    return paths;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/*
 * Starts a request's process (fields: id, flags, working directory, output file, cgroup.procs file, pid file, exit
 * file, argc, argv..., names and values) and answers S or F.
 */
static void spawn(struct request *r) {
    char **f = r->fields;
    if (r->count < 9) {
        say("F %s malformed request", r->count > 0 ? f[0] : "?");
        return;
    }
    const char *id = f[0], *flags = f[1];
    long argc = strtol(f[7], NULL, 10);
    if (argc < 1 || argc > r->count - 8) {
        say("F %s malformed request", id);
        return;
    }
    struct plan plan = {
        .new_session = strchr(flags, 's') != NULL,
        .discard = strchr(flags, 'd') != NULL || f[3][0] == '\0',
        .truncate = strchr(flags, 't') != NULL,
        .dir = f[2], .out = f[3], .cgroup = f[4], .pid_file = f[5], .command = f[8],
        .mask = first_mask,
    };
    plan.argv = must(calloc((size_t) argc + 1, sizeof *plan.argv));
    memcpy(plan.argv, f + 8, (size_t) argc * sizeof *f);
    int variables = r->count - 8 - (int) argc;
    size_t own;
    plan.envp = environment(strchr(flags, 'c') != NULL, f + 8 + argc, variables, &own);
    plan.paths = candidates(plan.command, plan.envp, &plan.path_count);

    sigset_t all, before;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &before);
    long pid = -ENOSYS;
    int cgroup_dir = -1;
    struct clone3_args args = {.exit_signal = SIGCHLD, .stack = (uint64_t) (uintptr_t) child_stack,
                               .stack_size = CHILD_STACK_SIZE};
    if (plan.cgroup[0] != '\0' && clone3_allowed && ends_with(plan.cgroup, "/cgroup.procs")) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int) (strlen(plan.cgroup) - strlen("/cgroup.procs")), plan.cgroup);
        cgroup_dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cgroup_dir >= 0) {
            plan.joined = 1;
            args.flags = CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP_FLAG;
            args.cgroup = (uint64_t) cgroup_dir;
            pid = clone3_run(&args, &plan);
            if (pid < 0) {
                plan.joined = 0;
                /* refused for good (no clone3, seccomp, a kernel without CLONE_INTO_CGROUP): fork from now on */
                if (pid == -ENOSYS || pid == -EPERM || pid == -E2BIG || pid == -EINVAL) {
                    clone3_allowed = 0;
                }
            }
            close(cgroup_dir);
        }
    }
    if (pid < 0 && plan.cgroup[0] != '\0') {
        /* the child moves itself in, which can wait for the kernel: a fork, so that the keeper does not wait too */
        pid = fork();
        if (pid == 0) {
            _exit(child_main(&plan));
        }
        pid = pid < 0 ? -errno : pid;
    } else if (pid < 0) {
        pid = vfork();
        if (pid == 0) {
            _exit(child_main(&plan));
        }
        pid = pid < 0 ? -errno : pid;
    }
    sigprocmask(SIG_SETMASK, &before, NULL);

    if (pid < 0) {
        say("F %s fork failed: %s", id, strerror((int) -pid));
    } else {
        add_child((pid_t) pid, f[6]);
        say("S %s %ld", id, pid);
    }
    for (int i = 0; i < plan.path_count; i++) {
        free(plan.paths[i]);
    }
    free(plan.paths);
    /* the variables the request set were made here; those before them are the keeper's own */
    for (char **e = plan.envp + own; *e != NULL; e++) {
        free(*e);
    }
    free(plan.envp);
    free(plan.argv);
}

static int code_in(int code, const char *list) {
    char text[16];
    snprintf(text, sizeof text, "%d", code);
    for (const char *start = list;; ) {
        const char *end = strchrnul(start, ',');
        if ((size_t) (end - start) == strlen(text) && strncmp(start, text, strlen(text)) == 0) {
            return 1;
        }
        if (*end == '\0') {
            return 0;
        }
        start = end + 1;
    }
}

struct ended {
    pid_t pid;
    int code;
    char *exit_file;
    char *skipped_id;
};

/*
 * First every armed successor of the children that have ended, then the records of those ends: in a burst of exits a
 * restart waits for the forks before it, not for their files too.
 */
static void reap(void) {
    struct ended *ended = NULL;
    size_t count = 0, capacity = 0;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        struct child *c = child_of(pid);
        if (c == NULL) {
            continue;
        }
        struct request *armed = c->armed;
        char *skip = c->skip;
        char *exit_file = c->exit_file;
        *c = children[--child_count];
        int skipped = armed != NULL && code_in(code, skip);
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            ended = must(realloc(ended, capacity * sizeof *ended));
        }
        ended[count++] = (struct ended) {pid, code, exit_file, skipped ? must(strdup(armed->fields[0])) : NULL};
        if (armed != NULL && !skipped) {
            spawn(armed);
        }
        free_request(armed);
        free(skip);
    }
    for (size_t i = 0; i < count; i++) {
        struct ended *e = &ended[i];
        if (e->exit_file[0] != '\0') {
            size_t size = strlen(e->exit_file) + 5;
            char *temporary = must(malloc(size));
            snprintf(temporary, size, "%s.tmp", e->exit_file);
            int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            if (fd >= 0) {
                char line[24];
                snprintf(line, sizeof line, "%d\n", e->code);
                ssize_t written = write(fd, line, strlen(line));
                if (close(fd) == 0 && written == (ssize_t) strlen(line)) {
                    rename(temporary, e->exit_file);
                }
            }
            free(temporary);
        }
        say("X %ld %d", (long) e->pid, e->code);
        if (e->skipped_id != NULL) {
            say("F %s not started: the run before it exited with %d", e->skipped_id, e->code);
        }
        free(e->exit_file);
        free(e->skipped_id);
    }
    free(ended);
}

/* forgets what is armed on the end of c */
static void drop_armed(struct child *c) {
    free_request(c->armed);
    free(c->skip);
    c->armed = NULL;
    c->skip = NULL;
}

static struct child *armed_with(const char *id) {
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].armed != NULL && strcmp(children[i].armed->fields[0], id) == 0) {
            return &children[i];
        }
    }
    return NULL;
}

/* "A": fields after, skip, then those of a start; takes the request */
static void arm(struct request *r) {
    if (r->count < 3) {
        free_request(r);
        return;
    }
    char *after = r->fields[0], *skip = r->fields[1];
    char *end;
    long pid = strtol(after, &end, 10);
    struct child *c = *end == '\0' && end != after ? child_of((pid_t) pid) : NULL;
    if (c == NULL || armed_with(r->fields[2]) != NULL) {
        say("F %s not armed: process %s has ended", r->fields[2], after);
        free_request(r);
        return;
    }
    drop_armed(c);
    c->skip = must(strdup(skip));
    r->fields += 2;
    r->count -= 2;
    c->armed = r;
}

static void disarm(const char *id) {
    struct child *c;
    while ((c = armed_with(id)) != NULL) {
        drop_armed(c);
        say("F %s disarmed", id);
    }
}

/* a decimal number ended by a newline at *at (its end not beyond limit), or -1 when incomplete or not one */
static long number(const char **at, const char *limit) {
    const char *p = *at;
    long value = 0;
    int digits = 0;
    while (p < limit && *p >= '0' && *p <= '9' && digits < 12) {
        value = value * 10 + (*p++ - '0');
        digits++;
    }
    if (digits == 0 || p >= limit || *p != '\n') {
        return -1;
    }
    *at = p + 1;
    return value;
}

/* one complete request from the input (its type; a request of S or A in *taken), or 0 when none is complete yet */
static char take(struct request **taken, long *disarm_id) {
    const char *p = input_buffer.bytes + input_start, *limit = input_buffer.bytes + input_buffer.length;
    if (limit - p < 3 || p[1] != ' ' || (p[0] != 'D' && p[0] != 'S' && p[0] != 'A')) {
        return 0;
    }
    char type = p[0];
    p += 2;
    long n = number(&p, limit);
    if (n < 0) {
        return 0;
    }
    if (type == 'D') {
        *disarm_id = n;
        input_start = (size_t) (p - input_buffer.bytes);
        return type;
    }
    /* the offsets and lengths first, then one block for the pointers and the strings */
    const char *q = p;
    size_t bytes = 0;
    for (long i = 0; i < n; i++) {
        long length = number(&q, limit);
        if (length < 0 || limit - q < length) {
            return 0;
        }
        q += length;
        bytes += (size_t) length + 1;
    }
    struct request *r = must(malloc(sizeof *r));
    r->count = (int) n;
    char *block = must(malloc((size_t) n * sizeof(char *) + bytes + 1));
    r->block = block;
    r->fields = (char **) block;
    char *strings = block + (size_t) n * sizeof(char *);
    for (long i = 0; i < n; i++) {
        long length = number(&p, limit);
        memcpy(strings, p, (size_t) length);
        strings[length] = '\0';
        r->fields[i] = strings;
        strings += length + 1;
        p += length;
    }
    input_start = (size_t) (p - input_buffer.bytes);
    *taken = r;
    return type;
}

static void on_child(int signal) {
    (void) signal;
    int saved = errno;
    (void) !write(wake[1], "x", 1);
    errno = saved;
}

/* its name in ps: over the arguments' memory, which /proc/PID/cmdline shows */
static void rename_process(int argc, char **argv) {
    if (argc < 2) {
        return;
    }
    char name[256];
    snprintf(name, sizeof name, "%s", argv[1]);
    char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
    size_t room = (size_t) (end - start);
    memset(start, 0, room);
    memcpy(start, name, strlen(name) < room ? strlen(name) : room);
    prctl(PR_SET_NAME, "selftest-keeper", 0, 0, 0);
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[2], "fork") == 0) {
        clone3_allowed = 0;
    }
    rename_process(argc, argv);
    sigprocmask(SIG_SETMASK, NULL, &first_mask);
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("selftest-keeper: pipe");
        return 70;
    }
    struct sigaction on_exit;
    memset(&on_exit, 0, sizeof on_exit);
    on_exit.sa_handler = on_child;
    on_exit.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &on_exit, NULL);
    child_stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (child_stack == MAP_FAILED) {
        perror("selftest-keeper: mmap");
        return 70;
    }

    /* the first line: it runs here (a file that cannot be run leaves the JVM to use keeper.pl) */
    write_all("K ready\n", 8);
    int input = 1;
    for (;;) {
        reap();
        if (!input && child_count == 0) {
            break;
        }
        struct pollfd ready[2] = {{wake[0], POLLIN, 0}, {0, POLLIN, 0}};
        if (poll(ready, input ? 2 : 1, -1) <= 0) {
            continue;
        }
        if (ready[0].revents != 0) {
            char drain[4096];
            while (read(wake[0], drain, sizeof drain) > 0) {
            }
        }
        if (!input || ready[1].revents == 0) {
            continue;
        }
        if (input_buffer.capacity - input_buffer.length < 65536 + 1) {
            input_buffer.capacity = input_buffer.length + 65536 + 1 > 2 * input_buffer.capacity
                    ? input_buffer.length + 65536 + 1 : 2 * input_buffer.capacity;
            input_buffer.bytes = must(realloc(input_buffer.bytes, input_buffer.capacity));
        }
        ssize_t got = read(0, input_buffer.bytes + input_buffer.length, 65536);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (got <= 0) {
            /* nobody to tell about a restart: a run that ends now stays ended, as without a supervisor */
            input = 0;
            for (size_t i = 0; i < child_count; i++) {
                if (children[i].armed != NULL) {
                    say("F %s the keeper's input has ended", children[i].armed->fields[0]);
                    drop_armed(&children[i]);
                }
            }
            continue;
        }
        input_buffer.length += (size_t) got;
        /*
         * The starts among the requests that have arrived are made after all of them are read, one after the other,
         * and answered in one write, as keeper.pl does; arms and disarms are made and answered as they are read.
         */
        struct request **starts = NULL;
        size_t start_count = 0;
        struct request *r;
        long id = 0;
        char type;
        while ((type = take(&r, &id)) != 0) {
            if (type == 'S') {
                starts = must(realloc(starts, (start_count + 1) * sizeof *starts));
                starts[start_count++] = r;
            } else if (type == 'A') {
                arm(r);
            } else {
                char text[24];
                snprintf(text, sizeof text, "%ld", id);
                disarm(text);
            }
        }
        memmove(input_buffer.bytes, input_buffer.bytes + input_start, input_buffer.length - input_start);
        input_buffer.length -= input_start;
        input_start = 0;
        if (start_count > 0) {
            gathering = 1;
            gathered.length = 0;
            for (size_t i = 0; i < start_count; i++) {
                spawn(starts[i]);
                free_request(starts[i]);
            }
            gathering = 0;
            write_all(gathered.bytes, gathered.length);
        }
        free(starts);
    }
    return 0;
}
