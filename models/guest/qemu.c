/* models/guest/qemu.c: the QEMU process behind a VM: its main loop thread. */
#include "models/guest/qemu.h"

#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/guest/vm.h"

struct hthread *
qemu_main_loop(struct world *w, struct vm *vm)
{
    (void) w;
    if (!vm->qemu_loop) {
        vm->qemu_loop = hthread_create(vm->host,
                                       host_pick_thread_core(vm->host),
                                       CPU_QEMU, &vm->dev, true);
    }
    return vm->qemu_loop;
}
