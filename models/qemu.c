/* models/qemu.c: the QEMU process behind a VM: its main loop thread. */
#include "models/qemu.h"

#include "models/host.h"
#include "models/hthread.h"
#include "models/vm.h"

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
