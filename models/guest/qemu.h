/* models/guest/qemu.h: the QEMU process behind a VM.
 *
 * QEMU runs a VM as one process: a thread per vCPU, and a main loop.  A
 * vCPU thread sits in KVM_RUN; when the guest touches a device register
 * that KVM cannot handle itself (every register of an emulated e1000 or
 * rtl8139), KVM_RUN returns to QEMU on that same thread, which runs the
 * device model and re-enters the guest.  So emulation triggered by the
 * guest runs on the vCPU's core.  The main loop is a thread blocked in
 * ppoll() on file descriptors (taps, ioeventfds of virtqueues) and
 * timers; it runs what those wake: receiving frames from taps for every
 * device, the virtio-net TX bottom half, the e1000's interrupt mitigation
 * timer.  It is one thread for the whole VM, so all devices of a VM share
 * it and its core. */
#ifndef VH_MODELS_QEMU_H
#define VH_MODELS_QEMU_H 1

struct world;
struct vm;
struct hthread;

/* The main loop thread of 'vm''s QEMU, created on first use on a core
 * chosen like any unpinned thread's (host_pick_thread_core). */
struct hthread *qemu_main_loop(struct world *, struct vm *);

#endif /* models/guest/qemu.h */
