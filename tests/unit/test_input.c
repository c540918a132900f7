/*
 * test_input.c - unit tests for opening and sniffing inputs (input.c).
 *
 * Covers every magic number in both byte orders, short and empty inputs,
 * gzip'd, zstd'd and lz4'd captures (detected through their layer, with
 * the compression named), the errors for nested compression and for other
 * compressors, and the file
 * cases: a directory, a missing file, /dev/zero and a FIFO (both must fail
 * on the sniff, not read forever), stdin from a pipe and from a terminal.
 * Every failure must leave no fd open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#ifdef SECRETCAP_HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef SECRETCAP_HAVE_LZ4
#include <lz4frame.h>
#endif

#include "input.h"
#include "testutil.h"

/* A minimal little-endian SHB (28 bytes) and a pcap file header. */
static const uint8_t shb_le[28] = {
    0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0,    0,    0x4d, 0x3c,
    0x2b, 0x1a, 1,    0,    0,  0, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 28, 0, 0,    0,
};
static const uint8_t pcap_hdr[24] = {
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
    0,    0,    0,    0,    0, 0, 4, 0, 1, 0, 0, 0,
};

static size_t
gz_compress(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream zs;

    memset(&zs, 0, sizeof(zs));
    ck_assert_int_eq(
        deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    ck_assert_int_eq(deflateEnd(&zs), Z_OK);
    return cap - zs.avail_out;
}

static int
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    ck_assert(d != NULL);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* input_open_source over a memory copy of data (chunk from tu_chunks). */
static int
open_mem(struct input *in, const void *data, size_t len, size_t chunk,
         struct sc_err *err)
{
    struct source *s = source_mem(data, len, chunk, "mem", err);

    ck_assert(s != NULL);
    return input_open_source(in, s, NULL, err);
}

static void
expect_mem_err(const void *data, size_t len, size_t chunk,
               enum sc_err_kind kind, const char *msg)
{
    struct input in;
    struct sc_err err = {0};

    ck_assert_int_eq(open_mem(&in, data, len, chunk, &err), -1);
    ck_assert_int_eq(err.kind, kind);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_ptr_null(in.rd);
}

struct sniff_case {
    const char *bytes;
    size_t len;
    enum cap_format want;
};

START_TEST(test_sniff_magics)
{
    static const struct sniff_case cases[] = {
        {"\xa1\xb2\xc3\xd4", 4, FMT_PCAP},
        {"\xd4\xc3\xb2\xa1", 4, FMT_PCAP},
        {"\xa1\xb2\x3c\x4d", 4, FMT_PCAP},
        {"\x4d\x3c\xb2\xa1", 4, FMT_PCAP},
        {"\xa1\xb2\xcd\x34", 4, FMT_PCAP},
        {"\x34\xcd\xb2\xa1", 4, FMT_PCAP},
        {"\x0a\x0d\x0d\x0a", 4, FMT_PCAPNG},
        {"\x1f\x8b", 2, FMT_GZIP},
        {"\x28\xb5\x2f\xfd", 4, FMT_ZSTD},
        {"BZh", 3, FMT_BZIP2},
        {"BZh9", 4, FMT_BZIP2},
        {"\xfd\x37\x7a\x58\x5a\x00", 6, FMT_XZ},
        {"\x04\x22\x4d\x18", 4, FMT_LZ4},
        /* Too short for their magic, or near misses. */
        {"", 0, FMT_UNKNOWN},
        {"\x1f", 1, FMT_UNKNOWN},
        {"\x0a\x0d\x0d", 3, FMT_UNKNOWN},
        {"\xa1\xb2\xc3", 3, FMT_UNKNOWN},
        {"BZ", 2, FMT_UNKNOWN},
        {"\xfd\x37\x7a\x58\x5a", 5, FMT_UNKNOWN},
        {"\xfd\x37\x7a\x58\x5a\x01", 6, FMT_UNKNOWN},
        {"\xa1\xb2\xc3\xd5", 4, FMT_UNKNOWN},
        {"\x0a\x0d\x0a\x0d", 4, FMT_UNKNOWN},
        {"\x1f\x8c", 2, FMT_UNKNOWN},
        {"{\"json\"", 7, FMT_UNKNOWN},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(format_sniff((const uint8_t *)cases[i].bytes,
                                   cases[i].len) == cases[i].want,
                      "case %zu", i);
    ck_assert_str_eq(format_name(FMT_PCAP), "pcap");
    ck_assert_str_eq(format_name(FMT_PCAPNG), "pcapng");
    ck_assert_str_eq(format_name(FMT_GZIP), "gzip");
    ck_assert_str_eq(format_name(FMT_ZSTD), "zstd");
    ck_assert_str_eq(format_name(FMT_BZIP2), "bzip2");
    ck_assert_str_eq(format_name(FMT_XZ), "xz");
    ck_assert_str_eq(format_name(FMT_LZ4), "lz4");
    ck_assert_str_eq(format_name(FMT_UNKNOWN), "unknown");
}
END_TEST

START_TEST(test_open_pcapng_mem)
{
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(open_mem(&in, shb_le, sizeof(shb_le), tu_chunks[_i], &err),
                     0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(in.compression, COMPRESSION_NONE);
    ck_assert_int_eq(in.fd, -1);
    ck_assert_str_eq(in.name, "mem");
    /* Positioned at offset 0: the sniffed bytes are still there. */
    ck_assert_uint_eq(reader_offset(in.rd), 0);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    ck_assert_mem_eq(p, shb_le, sizeof(shb_le));
    input_close(&in);
    ck_assert_ptr_null(in.rd);
}
END_TEST

START_TEST(test_open_pcap_mem)
{
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(
        open_mem(&in, pcap_hdr, sizeof(pcap_hdr), tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAP);
    ck_assert_int_eq(in.compression, COMPRESSION_NONE);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(pcap_hdr), &p, &err), 1);
    ck_assert_mem_eq(p, pcap_hdr, sizeof(pcap_hdr));
    input_close(&in);
}
END_TEST

/* A magic alone (4 bytes, less than the 8 sniffed) is that format: the
 * parser, not the sniffer, reports the truncation (rule 3). */
START_TEST(test_magic_only)
{
    struct input in;
    struct sc_err err = {0};

    ck_assert_int_eq(open_mem(&in, shb_le, 4, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_uint_eq(reader_buffered(in.rd), 4);
    input_close(&in);
}
END_TEST

START_TEST(test_empty)
{
    expect_mem_err("", 0, tu_chunks[_i], SC_ERR_DATA, "mem: empty file");
}
END_TEST

START_TEST(test_short_garbage)
{
    static const char *const inputs[] = {
        "a", "ab", "abc", "\x0a\x0d\x0d", "\x1f", "\xd4\xc3\xb2"};
    size_t i;

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        expect_mem_err(inputs[i], strlen(inputs[i]), tu_chunks[_i], SC_ERR_DATA,
                       "mem: not a capture file (no pcap or pcapng magic "
                       "at offset 0)");
}
END_TEST

START_TEST(test_garbage)
{
    static const char text[] = "CLIENT_RANDOM 0011223344 aabbccdd\n";

    expect_mem_err(text, sizeof(text) - 1, tu_chunks[_i], SC_ERR_DATA,
                   "mem: not a capture file (no pcap or pcapng magic at "
                   "offset 0)");
}
END_TEST

START_TEST(test_gzip_pcapng)
{
    uint8_t gz[256];
    size_t gzlen = gz_compress(shb_le, sizeof(shb_le), gz, sizeof(gz));
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(open_mem(&in, gz, gzlen, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(in.compression, COMPRESSION_GZIP);
    ck_assert(reader_source(in.rd)->inflating);
    ck_assert_uint_eq(reader_offset(in.rd), 0);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    ck_assert_mem_eq(p, shb_le, sizeof(shb_le));
    reader_consume(in.rd, sizeof(shb_le));
    ck_assert_int_eq(reader_fill(in.rd, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(in.rd), 0);
    input_close(&in);
}
END_TEST

START_TEST(test_gzip_pcap)
{
    uint8_t gz[256];
    size_t gzlen = gz_compress(pcap_hdr, sizeof(pcap_hdr), gz, sizeof(gz));
    struct input in;
    struct sc_err err = {0};

    ck_assert_int_eq(open_mem(&in, gz, gzlen, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAP);
    ck_assert_int_eq(in.compression, COMPRESSION_GZIP);
    input_close(&in);
}
END_TEST

START_TEST(test_gzip_nested)
{
    uint8_t gz1[256], gz2[512];
    size_t n1 = gz_compress(shb_le, sizeof(shb_le), gz1, sizeof(gz1));
    size_t n2 = gz_compress(gz1, n1, gz2, sizeof(gz2));

    expect_mem_err(gz2, n2, tu_chunks[_i], SC_ERR_DATA,
                   "mem: gzip data inside gzip is not supported");
}
END_TEST

START_TEST(test_gzip_empty)
{
    uint8_t gz[64];
    size_t n = gz_compress((const uint8_t *)"", 0, gz, sizeof(gz));

    expect_mem_err(gz, n, tu_chunks[_i], SC_ERR_DATA,
                   "mem: empty file (after gzip decompression)");
}
END_TEST

START_TEST(test_gzip_garbage_inside)
{
    static const char text[] = "hello, world\n";
    uint8_t gz[64];
    size_t n =
        gz_compress((const uint8_t *)text, sizeof(text) - 1, gz, sizeof(gz));

    expect_mem_err(gz, n, tu_chunks[_i], SC_ERR_DATA,
                   "mem: not a capture file (no pcap or pcapng magic at "
                   "offset 0 after gzip decompression)");
}
END_TEST

/* A .gz cut inside its header fails on the sniff with the gzip error. */
START_TEST(test_gzip_truncated)
{
    uint8_t gz[256];

    gz_compress(shb_le, sizeof(shb_le), gz, sizeof(gz));
    expect_mem_err(gz, 5, tu_chunks[_i], SC_ERR_DATA,
                   "mem: compressed offset 5: gzip stream truncated "
                   "(unexpected end of file)");
    /* Just the magic. */
    expect_mem_err(gz, 2, tu_chunks[_i], SC_ERR_DATA,
                   "mem: compressed offset 2: gzip stream truncated "
                   "(unexpected end of file)");
}
END_TEST

/* Cut inside the trailer: the sniff succeeds (the 8 bytes it needs are
 * there) but reading on never reaches a clean end. */
START_TEST(test_gzip_truncated_trailer)
{
    uint8_t gz[256];
    size_t n = gz_compress(shb_le, sizeof(shb_le), gz, sizeof(gz));
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;
    char msg[200];
    int rc;

    ck_assert_int_eq(open_mem(&in, gz, n - 3, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.compression, COMPRESSION_GZIP);
    rc = reader_fill(in.rd, sizeof(shb_le), &p, &err);
    if (rc == 1) {
        reader_consume(in.rd, sizeof(shb_le));
        rc = reader_fill(in.rd, 1, &p, &err);
    }
    ck_assert_int_eq(rc, -1);
    snprintf(msg, sizeof(msg),
             "mem: compressed offset %zu: gzip stream truncated (unexpected "
             "end of file)",
             n - 3);
    ck_assert_str_eq(err.msg, msg);
    input_close(&in);
}
END_TEST

START_TEST(test_other_compressors)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *msg;
    } cases[] = {
        {"BZh91AY&SY", 10,
         "mem: bzip2-compressed input is not supported; decompress it "
         "first (e.g. bzip2 -dc mem | secretcap ... -)"},
        {"\xfd\x37\x7a\x58\x5a\x00\x00\x04", 8,
         "mem: xz-compressed input is not supported; decompress it first "
         "(e.g. xz -dc mem | secretcap ... -)"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_mem_err(cases[i].bytes, cases[i].len, tu_chunks[_i], SC_ERR_DATA,
                       cases[i].msg);
}
END_TEST

/* zstd inside gzip is named as zstd, not "not a capture file". */
START_TEST(test_zstd_inside_gzip)
{
    uint8_t gz[64];
    size_t n = gz_compress((const uint8_t *)"\x28\xb5\x2f\xfd\x00\x00", 6, gz,
                           sizeof(gz));

    expect_mem_err(gz, n, tu_chunks[_i], SC_ERR_DATA,
                   "mem: zstd data inside gzip is not supported");
}
END_TEST

#ifdef SECRETCAP_HAVE_ZSTD
/* zstd frames of data (the library's own compressor). */
static size_t
zstd_of(const void *data, size_t len, uint8_t *out, size_t cap)
{
    size_t n = ZSTD_compress(out, cap, data, len, 3);

    ck_assert(!ZSTD_isError(n));
    return n;
}

/* A zstd'd capture is read through the zstd layer, with its flag; zstd
 * inside zstd, an empty or only-skippable stream and text are named. */
START_TEST(test_zstd_stacked)
{
    static const uint8_t skippable[8] = {0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0};
    uint8_t z[256], zz[512];
    size_t n = zstd_of(shb_le, sizeof(shb_le), z, sizeof(z));
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(open_mem(&in, z, n, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(in.compression, COMPRESSION_ZSTD);
    ck_assert(reader_source(in.rd)->inflating);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    ck_assert_mem_eq(p, shb_le, sizeof(shb_le));
    input_close(&in);

    n = zstd_of(pcap_hdr, sizeof(pcap_hdr), z, sizeof(z));
    ck_assert_int_eq(open_mem(&in, z, n, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAP);
    input_close(&in);

    expect_mem_err(zz, zstd_of(z, n, zz, sizeof(zz)), tu_chunks[_i],
                   SC_ERR_DATA, "mem: zstd data inside zstd is not supported");
    expect_mem_err(skippable, sizeof(skippable), tu_chunks[_i], SC_ERR_DATA,
                   "mem: empty file (after zstd decompression)");
    expect_mem_err(z, zstd_of("hello, world\n", 13, z, sizeof(z)),
                   tu_chunks[_i], SC_ERR_DATA,
                   "mem: not a capture file (no pcap or pcapng magic at offset "
                   "0 after zstd decompression)");
}
END_TEST
#endif

#ifdef SECRETCAP_HAVE_LZ4
START_TEST(test_lz4_stacked)
{
    uint8_t z[512];
    size_t n = LZ4F_compressFrame(z, sizeof(z), shb_le, sizeof(shb_le), NULL);
    struct input in;
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert(!LZ4F_isError(n));
    ck_assert_int_eq(open_mem(&in, z, n, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(in.compression, COMPRESSION_LZ4);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    ck_assert_mem_eq(p, shb_le, sizeof(shb_le));
    input_close(&in);
    /* Cut inside the end mark: the data comes first, then the lz4
     * layer's error instead of a clean end. */
    ck_assert_int_eq(open_mem(&in, z, n - 3, tu_chunks[_i], &err), 0);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    reader_consume(in.rd, sizeof(shb_le));
    ck_assert_int_eq(reader_fill(in.rd, 1, &p, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert(strstr(err.msg, "lz4 stream truncated") != NULL);
    input_close(&in);
}
END_TEST
#endif

START_TEST(test_open_directory)
{
    char dir[] = "/tmp/sc_test_input_XXXXXX";
    char msg[256];
    struct input in;
    struct sc_err err = {0};
    int before = count_fds();

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(input_open(&in, dir, NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    snprintf(msg, sizeof(msg), "%s: is a directory", dir);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_int_eq(count_fds(), before);
    rmdir(dir);
}
END_TEST

START_TEST(test_open_missing)
{
    struct input in;
    struct sc_err err = {0};
    int before = count_fds();

    ck_assert_int_eq(input_open(&in, "/nonexistent/sc/in.pcapng", NULL, &err),
                     -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_str_eq(err.msg, "/nonexistent/sc/in.pcapng: cannot open: No "
                              "such file or directory");
    ck_assert_int_eq(count_fds(), before);
}
END_TEST

/* /dev/zero never ends: the sniff must decide from the first read. */
START_TEST(test_open_dev_zero)
{
    struct input in;
    struct sc_err err = {0};
    int before = count_fds();

    ck_assert_int_eq(input_open(&in, "/dev/zero", NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(err.msg, "/dev/zero: not a capture file (no pcap or "
                              "pcapng magic at offset 0)");
    ck_assert_int_eq(count_fds(), before);
}
END_TEST

/* A FIFO whose writer sends garbage and then stays open: the sniff must
 * not wait for the end of the stream. */
START_TEST(test_open_fifo)
{
    char dir[] = "/tmp/sc_test_input_XXXXXX";
    char path[300];
    struct input in;
    struct sc_err err = {0};
    int wfd;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    /* The writer: opened read-write so that it does not wait for a
     * reader, and kept open (the stream never ends). */
    wfd = open(path, O_RDWR);
    ck_assert_int_ge(wfd, 0);
    ck_assert_int_eq(write(wfd, "not a capture", 13), 13);
    ck_assert_int_eq(input_open(&in, path, NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert(strstr(err.msg, ": not a capture file (no pcap") != NULL);
    close(wfd);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* A FIFO nobody writes to: open(2) must not wait for a writer. */
START_TEST(test_open_fifo_no_writer)
{
    char dir[] = "/tmp/sc_test_input_XXXXXX";
    char path[300];
    struct input in;
    struct sc_err err = {0};

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(input_open(&in, path, NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert(strstr(err.msg, "/fifo: empty file") != NULL);
    unlink(path);
    rmdir(dir);
}
END_TEST

static void
write_temp(char *path, const uint8_t *data, size_t len)
{
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_open_file)
{
    char path[] = "/tmp/sc_test_input_XXXXXX";
    struct input in;
    struct sc_err err = {0};
    struct stat a, b;
    const uint8_t *p;
    int before;

    write_temp(path, shb_le, sizeof(shb_le));
    before = count_fds();
    ck_assert_int_eq(input_open(&in, path, NULL, &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(in.compression, COMPRESSION_NONE);
    ck_assert_str_eq(in.name, path);
    ck_assert_str_eq(reader_source(in.rd)->name, path);
    ck_assert_int_eq(reader_source(in.rd)->size, (int64_t)sizeof(shb_le));
    /* in->fd is the opened file: the CLI compares (st_dev, st_ino). */
    ck_assert_int_ge(in.fd, 0);
    ck_assert_int_eq(fstat(in.fd, &a), 0);
    ck_assert_int_eq(stat(path, &b), 0);
    ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    /* Opened read-only and close-on-exec. */
    ck_assert_int_eq(fcntl(in.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    ck_assert(fcntl(in.fd, F_GETFD) & FD_CLOEXEC);
    ck_assert_int_eq(reader_fill(in.rd, sizeof(shb_le), &p, &err), 1);
    ck_assert_mem_eq(p, shb_le, sizeof(shb_le));
    input_close(&in);
    ck_assert_int_eq(count_fds(), before);
    unlink(path);
}
END_TEST

START_TEST(test_open_file_gzip)
{
    char path[] = "/tmp/sc_test_input_XXXXXX";
    uint8_t gz[256];
    size_t n = gz_compress(pcap_hdr, sizeof(pcap_hdr), gz, sizeof(gz));
    struct input in;
    struct sc_err err = {0};
    int before;

    write_temp(path, gz, n);
    before = count_fds();
    ck_assert_int_eq(input_open(&in, path, NULL, &err), 0);
    ck_assert_int_eq(in.format, FMT_PCAP);
    ck_assert_int_eq(in.compression, COMPRESSION_GZIP);
    ck_assert_int_ge(in.fd, 0);
    ck_assert_int_eq(reader_source(in.rd)->size, -1);
    input_close(&in);
    ck_assert_int_eq(count_fds(), before);
    unlink(path);
}
END_TEST

/* Every kind of failure after the open closes the fd again. */
START_TEST(test_open_file_failures_close)
{
    char p1[] = "/tmp/sc_test_input_XXXXXX";
    char p2[] = "/tmp/sc_test_input_XXXXXX";
    char p3[] = "/tmp/sc_test_input_XXXXXX";
    uint8_t gz[256];
    struct input in;
    struct sc_err err = {0};
    int before;
    char msg[256];

    gz_compress(shb_le, sizeof(shb_le), gz, sizeof(gz));

    write_temp(p1, (const uint8_t *)"", 0);
    write_temp(p2, (const uint8_t *)"garbage!", 8);
    write_temp(p3, gz, 7); /* cut inside the gzip header */
    before = count_fds();
    ck_assert_int_eq(input_open(&in, p1, NULL, &err), -1);
    snprintf(msg, sizeof(msg), "%s: empty file", p1);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_int_eq(in.fd, -1);
    ck_assert_ptr_null(in.rd);
    ck_assert_int_eq(input_open(&in, p2, NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_int_eq(input_open(&in, p3, NULL, &err), -1);
    snprintf(msg, sizeof(msg),
             "%s: compressed offset %zu: gzip stream truncated (unexpected "
             "end of file)",
             p3, (size_t)7);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_int_eq(count_fds(), before);
    unlink(p1);
    unlink(p2);
    unlink(p3);
}
END_TEST

/* "-" reads fd 0, is shown as "stdin", and is never closed by us. */
START_TEST(test_open_stdin_pipe)
{
    struct input in;
    struct sc_err err = {0};
    int fds[2], saved = dup(0);

    ck_assert_int_ge(saved, 0);
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], shb_le, sizeof(shb_le)),
                     (ssize_t)sizeof(shb_le));
    close(fds[1]);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    close(fds[0]);
    ck_assert_int_eq(input_open(&in, "-", NULL, &err), 0);
    ck_assert_int_eq(in.fd, 0);
    ck_assert_str_eq(in.name, "stdin");
    ck_assert_int_eq(in.format, FMT_PCAPNG);
    ck_assert_int_eq(reader_source(in.rd)->size, -1);
    input_close(&in);
    ck_assert_int_ne(fcntl(0, F_GETFD), -1); /* still open */
    ck_assert_int_eq(dup2(saved, 0), 0);
    close(saved);
}
END_TEST

START_TEST(test_open_stdin_garbage)
{
    struct input in;
    struct sc_err err = {0};
    int fds[2], saved = dup(0);

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], "xyz", 3), 3);
    close(fds[1]);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    close(fds[0]);
    ck_assert_int_eq(input_open(&in, "-", NULL, &err), -1);
    ck_assert_str_eq(err.msg, "stdin: not a capture file (no pcap or "
                              "pcapng magic at offset 0)");
    ck_assert_int_ne(fcntl(0, F_GETFD), -1);
    ck_assert_int_eq(dup2(saved, 0), 0);
    close(saved);
}
END_TEST

START_TEST(test_open_stdin_tty)
{
    struct input in;
    struct sc_err err = {0};
    int master, slave, saved = dup(0);

    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        /* No pseudo-terminals here (some containers): nothing to test. */
        if (master >= 0)
            close(master);
        close(saved);
        return;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(slave, 0);
    ck_assert_int_eq(dup2(slave, 0), 0);
    close(slave);
    ck_assert_int_eq(input_open(&in, "-", NULL, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg,
                     "stdin: refusing to read a capture from a terminal");
    ck_assert_ptr_null(in.rd);
    ck_assert_int_eq(dup2(saved, 0), 0);
    close(saved);
    close(master);
}
END_TEST

static Suite *
input_suite(void)
{
    Suite *s = suite_create("input");
    TCase *tc;
    int n = (int)(sizeof(tu_chunks) / sizeof(tu_chunks[0]));

#define ADD_LOOP(fn)                                                           \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, 10);                                             \
        tcase_add_loop_test(tc, fn, 0, n);                                     \
        suite_add_tcase(s, tc);                                                \
    } while (0)
#define ADD(fn)                                                                \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, 10);                                             \
        tcase_add_test(tc, fn);                                                \
        suite_add_tcase(s, tc);                                                \
    } while (0)
    ADD(test_sniff_magics);
    ADD_LOOP(test_open_pcapng_mem);
    ADD_LOOP(test_open_pcap_mem);
    ADD_LOOP(test_magic_only);
    ADD_LOOP(test_empty);
    ADD_LOOP(test_short_garbage);
    ADD_LOOP(test_garbage);
    ADD_LOOP(test_gzip_pcapng);
    ADD_LOOP(test_gzip_pcap);
    ADD_LOOP(test_gzip_nested);
    ADD_LOOP(test_gzip_empty);
    ADD_LOOP(test_gzip_garbage_inside);
    ADD_LOOP(test_gzip_truncated);
    ADD_LOOP(test_gzip_truncated_trailer);
    ADD_LOOP(test_other_compressors);
    ADD_LOOP(test_zstd_inside_gzip);
#ifdef SECRETCAP_HAVE_ZSTD
    ADD_LOOP(test_zstd_stacked);
#endif
#ifdef SECRETCAP_HAVE_LZ4
    ADD_LOOP(test_lz4_stacked);
#endif
    ADD(test_open_directory);
    ADD(test_open_missing);
    ADD(test_open_dev_zero);
    ADD(test_open_fifo);
    ADD(test_open_fifo_no_writer);
    ADD(test_open_file);
    ADD(test_open_file_gzip);
    ADD(test_open_file_failures_close);
    ADD(test_open_stdin_pipe);
    ADD(test_open_stdin_garbage);
    ADD(test_open_stdin_tty);
#undef ADD
#undef ADD_LOOP
    return s;
}

int
main(void)
{
    return tu_run(input_suite());
}
