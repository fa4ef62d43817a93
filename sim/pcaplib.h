/* sim/pcaplib.h: libpcap, loaded the first time a capture is read or
 * written.
 *
 * A program linked with libpcap loads it at every start, and Debian's
 * libpcap brings nine more shared libraries of its own (D-Bus, systemd,
 * libgcrypt, three compressors...).  Mapping and relocating them was 3.4 ms
 * of the 8.0 that 'vhsim --version' took, paid by every command, while
 * most runs write no capture and only a replayed flow reads one.  So the
 * programs are not linked with libpcap: the first caller here opens it with
 * dlopen() and gets its functions in a table, and a run without captures
 * never loads it.
 *
 * The table's types are libpcap's own declarations (<pcap/pcap.h>), so a
 * call through it is checked as a direct call would be.  Not thread-safe;
 * the simulator calls it from one thread. */
#ifndef VH_PCAPLIB_H
#define VH_PCAPLIB_H 1

#include <pcap/pcap.h>
#include <stddef.h>

/* The libpcap functions vhsim calls, by their names less "pcap_". */
struct vh_pcaplib {
    __typeof__(pcap_open_dead_with_tstamp_precision)
        *open_dead_with_tstamp_precision;
    __typeof__(pcap_open_offline_with_tstamp_precision)
        *open_offline_with_tstamp_precision;
    __typeof__(pcap_close) *close;
    __typeof__(pcap_datalink) *datalink;
    __typeof__(pcap_next_ex) *next_ex;
    __typeof__(pcap_geterr) *geterr;
    __typeof__(pcap_dump_fopen) *dump_fopen;
    __typeof__(pcap_dump) *dump;
    __typeof__(pcap_dump_file) *dump_file;
    __typeof__(pcap_dump_flush) *dump_flush;
    __typeof__(pcap_dump_close) *dump_close;
    __typeof__(pcap_lib_version) *lib_version;
};

/* Loads libpcap on the first call.  Returns its functions, or NULL with a
 * message in 'err' (truncated to 'errlen') saying why it could not be
 * loaded; a later call tries again. */
const struct vh_pcaplib *vh_pcaplib(char *err, size_t errlen);

#endif /* sim/pcaplib.h */
