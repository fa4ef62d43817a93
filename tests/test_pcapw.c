/* tests/test_pcapw.c: capture files, checked by reading them back with
 * tshark and by their bytes, and the never-a-truncated-file guarantee. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/outfile.h"
#include "sim/pcapw.h"
#include "tests/testutil.h"

#define TSHARK_PREFS "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"

/* The frames of the capture file: one of each builder, each with the time
 * it is written at and the protocol stack tshark must find.  UDP ports
 * 40000 -> 50000 belong to no dissector, so the payload shows as "data". */
struct sample {
    uint64_t time_ps;
    const char *epoch;          /* frame.time_epoch as tshark prints it. */
    const char *protocols;      /* frame.protocols. */
};

static const struct sample samples[] = {
    { 1234000ull, "0.000001234", "eth:ethertype:ip:udp:data" },
    { 2000000005999ull, "2.000000005", /* ps below 1 ns truncated */
      "eth:ethertype:vlan:ethertype:ip:udp:data" },
    { 3000000000000ull, "3.000000000", "eth:ethertype:arp" },
    { 3000000001000ull, "3.000000001", "eth:ethertype:arp" },
    { 4999999999000ull, "4.999999999", "eth:ethertype:ip:icmp:data" },
    { 5000000000000ull, "5.000000000", "eth:ethertype:ip:icmp:data" },
    { 6000000000000ull, "6.000000000", "eth:ethertype:ip:udp:data" },
    { 86400000000000000ull, "86400.000000000",
      "eth:ethertype:vlan:ethertype:ip:icmp:data" },
};
#define N_SAMPLES (sizeof samples / sizeof *samples)

/* A packet outside any pool, its buffer in the same allocation: free()
 * releases both. */
static struct vh_packet *
sample_packet(void)
{
    struct vh_packet *p = calloc(1, sizeof *p + VH_PKT_BUFSIZE);
    ck_assert_ptr_nonnull(p);
    p->buf = (uint8_t *) (p + 1);
    p->cap = VH_PKT_BUFSIZE;
    return p;
}

/* Builds sample frame 'i' into 'p' (a packet, so the last one can have its
 * tag pushed the way models will). */
static void
build_sample(size_t i, struct vh_packet *p)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    vh_mac_parse("52:54:00:00:00:02", &s.dst_mac);
    vh_mac_parse("52:54:00:00:00:01", &s.src_mac);
    vh_ipv4_parse("192.168.1.10", &s.ip_src, NULL);
    vh_ipv4_parse("192.168.1.20", &s.ip_dst, NULL);
    s.ip_id = (uint16_t) (0x100 + i);
    s.vlan_tci = 0xa064;

    p->data = p->buf + VH_PKT_HEADROOM;
    switch (i) {
    case 0:
        p->len = vh_build_udp(p->data, &s, 40000, 50000, NULL, 18);
        break;
    case 1:
        s.vlan = true;
        p->len = vh_build_udp(p->data, &s, 40000, 50000, NULL, 5);
        break;
    case 2:
        p->len = vh_build_arp(p->data, VH_ARP_REQUEST, &s.src_mac, s.ip_src,
                              NULL, s.ip_dst, NULL);
        break;
    case 3:
        p->len = vh_build_arp(p->data, VH_ARP_REPLY, &s.dst_mac, s.ip_dst,
                              &s.src_mac, s.ip_src, &s.src_mac);
        break;
    case 4:
        p->len = vh_build_icmp_echo(p->data, &s, VH_ICMP_ECHO_REQUEST, 77, 1,
                                    NULL, 56);
        break;
    case 5:
        p->len = vh_build_icmp_echo(p->data, &s, VH_ICMP_ECHO_REPLY, 77, 1,
                                    NULL, 7);
        break;
    case 6:
        p->len = vh_build_udp(p->data, &s, 40000, 50000, NULL,
                              vh_udp_payload_for_size(1518));
        break;
    default:
        p->len = vh_build_icmp_echo(p->data, &s, VH_ICMP_ECHO_REQUEST, 77, 2,
                                    NULL, 3);
        vh_vlan_push(p, 0x0005);
        break;
    }
}

static void
write_samples(struct vh_pcapw *w)
{
    struct vh_packet *p = sample_packet();
    for (size_t i = 0; i < N_SAMPLES; i++) {
        build_sample(i, p);
        ck_assert_int_eq(vh_pcapw_write(w, samples[i].time_ps, p->data,
                                        p->len), 0);
    }
    free(p);
    ck_assert_uint_eq(vh_pcapw_frames(w), N_SAMPLES);
}

static char *
path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* Names in 'dir' other than . and .., joined with spaces, sorted by
 * nothing but readdir; tests use it with at most one entry. */
static int
dir_entries(const char *dir, char *names, size_t len)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    names[0] = '\0';
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        n++;
        strncat(names, e->d_name, len - strlen(names) - 1);
    }
    closedir(d);
    return n;
}

static void
remove_tree(const char *dir)
{
    ck_assert_int_eq(vh_test_sh(NULL, "rm -rf '%s'", dir), 0);
}

static bool
have_tshark(void)
{
    if (vh_test_sh(NULL, "command -v tshark") == 0) {
        return true;
    }
    fprintf(stderr, "test_pcapw: tshark not installed; skipping the "
            "tshark checks\n");
    return false;
}

/* Writes every sample to DIR/all.pcap and commits it. */
static char *
write_sample_file(const char *dir)
{
    char err[256];
    char *path = path_in(dir, "all.pcap");
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    write_samples(w);
    ck_assert_msg(vh_pcapw_commit(w, err, sizeof err) == 0, "%s", err);
    return path;
}

START_TEST(test_tshark_decodes_cleanly)
{
    char *dir = vh_test_tmpdir();
    char *path = write_sample_file(dir);
    char *out;

    if (!have_tshark()) {
        goto done;
    }

    /* Expert summary with checksum validation on: nothing to report.
     * (stderr dropped: tshark warns about running as root.) */
    ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' " TSHARK_PREFS
                                " -z expert -q 2>/dev/null", path), 0);
    printf("tshark -z expert on %s:\n%s\n", path, out);
    ck_assert_msg(!strstr(out, "Malformed") && !strstr(out, "Bad checksum")
                  && !strstr(out, "[incorrect") && !strstr(out, "Warns")
                  && !strstr(out, "Errors"), "expert info:\n%s", out);
    free(out);

    /* Protocol stacks and nanosecond timestamps, one line per frame. */
    ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' " TSHARK_PREFS
                                " -T fields -e frame.time_epoch"
                                " -e frame.protocols 2>/dev/null", path), 0);
    printf("tshark -T fields on %s:\n%s\n", path, out);
    char *line = out;
    for (size_t i = 0; i < N_SAMPLES; i++) {
        char want[160];
        snprintf(want, sizeof want, "%s\t%s\n", samples[i].epoch,
                 samples[i].protocols);
        ck_assert_msg(!strncmp(line, want, strlen(want)),
                      "frame %zu: want '%s', got:\n%s", i + 1, want, line);
        line += strlen(want);
    }
    ck_assert_str_eq(line, "");
    free(out);

    /* Every checksum present was verified as good (status 1), not merely
     * left unflagged. */
    ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' " TSHARK_PREFS
                                " -T fields -e ip.checksum.status"
                                " -e udp.checksum.status"
                                " -e icmp.checksum.status 2>/dev/null",
                                path), 0);
    printf("checksum status (ip, udp, icmp):\n%s\n", out);
    ck_assert_str_eq(out,
                     "1\t1\t\n"
                     "1\t1\t\n"
                     "\t\t\n"
                     "\t\t\n"
                     "1\t\t1\n"
                     "1\t\t1\n"
                     "1\t1\t\n"
                     "1\t\t1\n");
    free(out);

    /* Lengths: the 1518-byte wire frame is 1514 captured; padding shows
     * as Ethernet padding and not as IP. */
    ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' -T fields"
                                " -e frame.len -e ip.len 2>/dev/null",
                                path), 0);
    ck_assert_str_eq(out, "60\t46\n60\t33\n60\t\n60\t\n98\t84\n60\t35\n"
                     "1514\t1500\n64\t31\n");
    free(out);

done:
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The checks above would be worthless if tshark stayed quiet about bad
 * frames: show that the same commands catch a wrong checksum. */
START_TEST(test_tshark_catches_bad_checksums)
{
    char *dir = vh_test_tmpdir();
    char *path = path_in(dir, "bad.pcap");
    char err[256];
    char *out;

    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    struct vh_packet *p = sample_packet();
    build_sample(0, p);
    p->data[14 + 20 + 6] ^= 0x10;       /* UDP checksum. */
    ck_assert_int_eq(vh_pcapw_write(w, 0, p->data, p->len), 0);
    build_sample(4, p);
    p->data[14 + 10] ^= 0x01;           /* IP header checksum. */
    ck_assert_int_eq(vh_pcapw_write(w, 1000, p->data, p->len), 0);
    free(p);
    ck_assert_int_eq(vh_pcapw_commit(w, err, sizeof err), 0);

    if (have_tshark()) {
        ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' " TSHARK_PREFS
                                    " -z expert -q 2>/dev/null", path), 0);
        ck_assert_msg(strstr(out, "Bad checksum") && strstr(out, "Errors"),
                      "expert info:\n%s", out);
        free(out);
    }
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
           | (uint32_t) p[3] << 24;
}

static uint32_t
host32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The classic pcap file layout, read back byte by byte. */
START_TEST(test_file_bytes)
{
    char *dir = vh_test_tmpdir();
    char *path = write_sample_file(dir);
    size_t len;
    uint8_t *f = (uint8_t *) vh_test_slurp(path, &len);
    ck_assert_ptr_nonnull(f);

    /* Header fields are in host order; the magic tells the reader which. */
    ck_assert_uint_eq(host32(f), 0xa1b23c4d);       /* Nanosecond pcap. */
    uint16_t major, minor;
    memcpy(&major, f + 4, 2);
    memcpy(&minor, f + 6, 2);
    ck_assert_uint_eq(major, 2);
    ck_assert_uint_eq(minor, 4);
    ck_assert_uint_eq(host32(f + 8), 0);            /* thiszone */
    ck_assert_uint_eq(host32(f + 12), 0);           /* sigfigs */
    ck_assert_uint_eq(host32(f + 16), VH_PCAPW_SNAPLEN);
    ck_assert_uint_eq(host32(f + 20), 1);           /* DLT_EN10MB */
    if (host32(f) == le32(f)) {
        ck_assert_uint_eq(f[0], 0x4d);              /* Little-endian. */
    }

    /* Walk the records: times, lengths and bytes as written. */
    struct vh_packet *p = sample_packet();
    size_t off = 24;
    for (size_t i = 0; i < N_SAMPLES; i++) {
        ck_assert_uint_le(off + 16, len);
        uint64_t ns = samples[i].time_ps / 1000;
        ck_assert_uint_eq(host32(f + off), ns / 1000000000u);
        ck_assert_uint_eq(host32(f + off + 4), ns % 1000000000u);
        build_sample(i, p);
        ck_assert_uint_eq(host32(f + off + 8), p->len);     /* caplen */
        ck_assert_uint_eq(host32(f + off + 12), p->len);    /* len */
        ck_assert_uint_le(off + 16 + p->len, len);
        ck_assert_mem_eq(f + off + 16, p->data, p->len);
        off += 16 + p->len;
    }
    ck_assert_uint_eq(off, len);
    free(p);
    free(f);

    /* Same frames, same file: nothing depends on the wall clock. */
    char *again = path_in(dir, "again.pcap");
    char err[256];
    struct vh_pcapw *w = vh_pcapw_open(again, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    write_samples(w);
    ck_assert_int_eq(vh_pcapw_commit(w, err, sizeof err), 0);
    ck_assert_int_eq(vh_test_sh(NULL, "cmp '%s' '%s'", path, again), 0);

    free(again);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_commit_and_abort_files)
{
    char *dir = vh_test_tmpdir();
    char *path = path_in(dir, "cap.pcap");
    char err[256], names[512], tmpname[128];

    /* While open, only the temporary exists. */
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    snprintf(tmpname, sizeof tmpname, "cap.pcap.tmp.%ld", (long) getpid());
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    ck_assert_str_eq(names, tmpname);
    write_samples(w);
    ck_assert_int_eq(vh_pcapw_commit(w, err, sizeof err), 0);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    ck_assert_str_eq(names, "cap.pcap");

    /* Abort of a second capture to the same name leaves the first one
     * alone, and leaves no temporary. */
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    write_samples(w);
    vh_pcapw_abort(w);
    vh_pcapw_abort(NULL);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    ck_assert_str_eq(names, "cap.pcap");
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
    ck_assert_uint_eq(before.st_size, after.st_size);

    /* Abort with nothing else there leaves nothing at all. */
    char *other = path_in(dir, "other.pcap");
    w = vh_pcapw_open(other, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 2);
    vh_pcapw_abort(w);
    ck_assert_int_eq(access(other, F_OK), -1);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);

    free(other);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_open_errors)
{
    char *dir = vh_test_tmpdir();
    char err[256], names[512];

    /* A missing directory is not created. */
    char *missing = path_in(dir, "no/such/dir/x.pcap");
    ck_assert_ptr_null(vh_pcapw_open(missing, err, sizeof err));
    ck_assert_msg(strstr(err, missing) && strstr(err, "No such file"),
                  "%s", err);
    free(missing);

    /* A directory is not a capture file. */
    ck_assert_ptr_null(vh_pcapw_open(dir, err, sizeof err));
    ck_assert_msg(strstr(err, dir) && strstr(err, "directory"), "%s", err);

    /* Two writers for one file in one run would share a temporary. */
    char *path = path_in(dir, "x.pcap");
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_ptr_null(vh_pcapw_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, path) != NULL, "%s", err);
    vh_pcapw_abort(w);
    w = vh_pcapw_open(path, err, sizeof err);       /* Free again. */
    ck_assert_msg(w != NULL, "%s", err);

    /* Oversized frames are refused and not counted. */
    static uint8_t big[VH_PCAPW_SNAPLEN + 1];
    ck_assert_int_eq(vh_pcapw_write(w, 0, big, sizeof big), -1);
    ck_assert_int_eq(vh_pcapw_write(w, 0, big, VH_PCAPW_SNAPLEN), 0);
    ck_assert_uint_eq(vh_pcapw_frames(w), 1);
    vh_pcapw_abort(w);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 0);

    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_commit_rename_fails)
{
    char *dir = vh_test_tmpdir();
    char *path = path_in(dir, "x.pcap");
    char err[256], names[512];

    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    write_samples(w);
    /* Something else takes the name meanwhile: a non-empty directory,
     * which rename() cannot replace. */
    ck_assert_int_eq(vh_test_sh(NULL, "mkdir '%s' && touch '%s/keep'",
                                path, path), 0);
    ck_assert_int_eq(vh_pcapw_commit(w, err, sizeof err), -1);
    ck_assert_msg(strstr(err, path) && strstr(err, "Is a directory"), "%s",
                  err);
    /* The temporary is gone; the directory is untouched. */
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    ck_assert_str_eq(names, "x.pcap");
    char *keep = path_in(path, "keep");
    ck_assert_int_eq(access(keep, F_OK), 0);

    free(keep);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A full disk, simulated with a file-size limit in a child process (so the
 * limit does not leak into other tests).  Exit codes say which step went
 * wrong: 0 = write or commit failed as it should and left nothing. */
START_TEST(test_write_error)
{
    char *dir = vh_test_tmpdir();
    char *path = path_in(dir, "full.pcap");

    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char err[256], names[512];
        struct rlimit rl = { 4096, 4096 };
        signal(SIGXFSZ, SIG_IGN);       /* Get EFBIG instead of a kill. */
        if (setrlimit(RLIMIT_FSIZE, &rl)) {
            _exit(10);
        }
        struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
        if (!w) {
            _exit(11);
        }
        uint8_t frame[1514] = { 0 };
        int failed = 0;
        for (int i = 0; i < 100; i++) {
            failed |= vh_pcapw_write(w, (uint64_t) i, frame, sizeof frame);
        }
        if (vh_pcapw_commit(w, err, sizeof err) != -1) {
            _exit(12);
        }
        if (!strstr(err, path) || !strstr(err, "too large")) {
            fprintf(stderr, "unexpected message: %s\n", err);
            _exit(13);
        }
        if (dir_entries(dir, names, sizeof names) != 0) {
            _exit(14);
        }
        _exit(failed ? 0 : 15);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);

    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

static void
on_term(int sig)
{
    vh_outfile_abort_all_signal_safe();
    _exit(100 + sig);
}

/* What the CLI will do on SIGTERM: unlink temporaries from the handler.
 * A committed file stays. */
START_TEST(test_signal_cleanup)
{
    char *dir = vh_test_tmpdir();
    char *a = path_in(dir, "a.pcap");
    char *b = path_in(dir, "b.pcap");
    char *done = path_in(dir, "done.pcap");
    char names[512];

    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char err[256];
        struct vh_pcapw *wd = vh_pcapw_open(done, err, sizeof err);
        struct vh_pcapw *wa = vh_pcapw_open(a, err, sizeof err);
        struct vh_pcapw *wb = vh_pcapw_open(b, err, sizeof err);
        if (!wa || !wb || !wd) {
            _exit(1);
        }
        uint8_t frame[60] = { 0 };
        vh_pcapw_write(wa, 0, frame, sizeof frame);
        vh_pcapw_write(wb, 0, frame, sizeof frame);
        if (vh_pcapw_commit(wd, err, sizeof err)) {
            _exit(2);
        }
        signal(SIGTERM, on_term);
        raise(SIGTERM);
        _exit(3);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 100 + SIGTERM);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    ck_assert_str_eq(names, "done.pcap");

    /* In this process too: the writers survive the cleanup and can still
     * be aborted afterwards. */
    char err[256];
    struct vh_pcapw *wa = vh_pcapw_open(a, err, sizeof err);
    struct vh_pcapw *wb = vh_pcapw_open(b, err, sizeof err);
    ck_assert(wa && wb);
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 3);
    vh_outfile_abort_all_signal_safe();
    ck_assert_int_eq(dir_entries(dir, names, sizeof names), 1);
    vh_pcapw_abort(wb);
    vh_pcapw_abort(wa);

    free(a);
    free(b);
    free(done);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* For a test that runs the vhsim under test in a directory of its own:
 * the program's absolute path in 'bin', the tree's top (where the tests
 * start) in 'top', and that directory, fresh (the caller frees it). */
static char *
run_dir(char bin[PATH_MAX], char top[PATH_MAX])
{
    ck_assert_ptr_nonnull(realpath(vh_test_bin(), bin));
    ck_assert_ptr_nonnull(getcwd(top, PATH_MAX));
    return vh_test_tmpdir();
}

/* libpcap is loaded when a run writes its first capture, not at start
 * (sim/pcaplib.h): the demo without its captures loads none of it, and
 * the demo itself loads it and writes its captures. */
START_TEST(test_libpcap_loaded_only_for_captures)
{
    char bin[PATH_MAX], top[PATH_MAX];
    char *dir = run_dir(bin, top);
    char *demo = vh_test_slurp("scenarios/demo.json", NULL);
    ck_assert_ptr_nonnull(demo);
    cJSON *root = cJSON_Parse(demo);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(root, "capture"));
    cJSON_DeleteItemFromObject(root, "capture");
    char *text = cJSON_Print(root);
    char *nocap = path_in(dir, "nocap.json");
    FILE *f = fopen(nocap, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);

    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && LD_DEBUG=files '%s' run "
                        "nocap.json --quiet", dir, bin);
    ck_assert_msg(st == 0, "run failed: %s", out);
    ck_assert_msg(strstr(out, "file=libcjson") != NULL,
                  "LD_DEBUG said nothing: %s", out);
    ck_assert_msg(strstr(out, "libpcap") == NULL,
                  "a run without captures loaded libpcap");
    free(out);

    st = vh_test_sh(&out, "cd '%s' && LD_DEBUG=files '%s' run "
                    "'%s/scenarios/demo.json' --quiet", dir, bin, top);
    ck_assert_msg(st == 0, "run failed: %s", out);
    ck_assert_msg(strstr(out, "file=libpcap") != NULL
                  && strstr(out, "dynamically loaded by") != NULL,
                  "the demo's captures did not load libpcap");
    free(out);
    char *trace = path_in(dir, "traces/demo-vm1-eth0.pcap");
    struct stat sb;
    ck_assert_int_eq(stat(trace, &sb), 0);
    ck_assert_int_gt(sb.st_size, 24);   /* More than the file header. */

    free(trace);
    free(nocap);
    free(text);
    cJSON_Delete(root);
    free(demo);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Without a libpcap to load, a run that asks for captures stops before
 * it runs: status 2, the capture's JSON path, why the library could not
 * be loaded and what to install, and no capture file left behind.
 * LD_LIBRARY_PATH puts a file that is no library under each of the names
 * vhsim tries first. */
START_TEST(test_libpcap_missing)
{
    char bin[PATH_MAX], top[PATH_MAX];
    char *dir = run_dir(bin, top);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && mkdir lib && for n in "
                        "libpcap.so.0.8 libpcap.so.1 libpcap.so; do "
                        "echo junk > lib/$n; done && "
                        "LD_LIBRARY_PATH=\"$PWD/lib\" '%s' run "
                        "'%s/scenarios/demo.json' --quiet", dir, bin, top);
    ck_assert_msg(st == 2, "status %d: %s", st, out);
    ck_assert_msg(strstr(out, "capture[0].file") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "cannot load libpcap (") != NULL, "%s", out);
    /* dlerror()'s own words, naming the file it tried. */
    ck_assert_msg(strstr(out, "/lib/libpcap.so.0.8") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "libpcap0.8") != NULL, "%s", out);
    free(out);
    ck_assert_int_ne(vh_test_sh(NULL, "ls '%s/traces'/* 2>/dev/null", dir),
                     0);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *
pcapw_suite(void)
{
    Suite *s = suite_create("pcapw");
    TCase *tc = tcase_create("pcapw");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tshark_decodes_cleanly);
    tcase_add_test(tc, test_tshark_catches_bad_checksums);
    tcase_add_test(tc, test_file_bytes);
    tcase_add_test(tc, test_commit_and_abort_files);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_commit_rename_fails);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_signal_cleanup);
    tcase_add_test(tc, test_libpcap_loaded_only_for_captures);
    tcase_add_test(tc, test_libpcap_missing);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(pcapw_suite)
