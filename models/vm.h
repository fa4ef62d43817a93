/* models/vm.h: a virtual machine: vCPUs on host cores and its vNICs. */
#ifndef VH_MODELS_VM_H
#define VH_MODELS_VM_H 1

#include <stddef.h>

#include "models/config.h"
#include "sim/device.h"

struct host;
struct cpu_core;
struct virtio_net;
struct endpoint;

struct vm {
    struct vh_device dev;       /* "host1/vm1". */
    struct host *host;
    const struct cfg_vm *cfg;
    struct cpu_core **vcpus;    /* Host core each vCPU runs on. */
    int n_vcpus;
    struct virtio_net **nics;
    struct endpoint **eps;      /* The guest stack on each vNIC. */
    size_t n_nics;
};

#endif /* models/vm.h */
