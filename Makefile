# vhsim: a discrete-event simulator of a virtualized host's networking.
#
#   make          build ./vhsim and ./vhsim-gui (the GUI, which 'vhsim gui'
#                 runs; a program of its own so that only it loads SDL),
#                 and ./vhsim-mpi where Open MPI is found (what vhsim
#                 becomes under mpirun; only it loads MPI)
#   make demo     install what is missing, build, run the demo scenario
#   make test     install what is missing, build, run every test (plain
#                 build, then under AddressSanitizer and UBSan), then a
#                 short smoke of each fuzz target (make fuzz-smoke)
#   make golden   re-record tests/golden/hashes.txt after a change meant to
#                 alter results (say why in its own commit)
#   make release  build/release/vhsim: the same program, link-time
#                 optimized and laid out by a profile of the shipped
#                 scenarios; what 'make bench' times ('make install'
#                 installs the plain ./vhsim)
#   make bench    kernel micro-benchmark and the bridge_flood scenario, set
#                 beside ns-3 running the same topology (tests/peer/); Open
#                 vSwitch by number of rules and of EMC flows
#                 (scenarios/bench/gen_ovs.py)
#   make bench-peer  only the ns-3 side of that comparison
#   make fuzz     libFuzzer on the scenario loader and the recording reader,
#                 FUZZ_TIME seconds each (600 by default; docs/fuzzing.md)
#   make install [PREFIX=/usr/local] [DESTDIR=...]   (make uninstall)
#   make clean

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wswitch-enum \
           -Wno-unused-parameter
OPT     ?= -O2 -g
INC     := -I.
PKGS    := libcjson libpcap
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lpcap)
# The GUI (gui/, cli/cmd_gui.c): SDL2 and SDL2_ttf, libpng for its
# pictures and fontconfig to find its fonts.
SDL_CFLAGS = $(shell pkg-config --cflags sdl2 SDL2_ttf libpng fontconfig 2>/dev/null)
SDL_LIBS   = $(shell pkg-config --libs sdl2 SDL2_ttf libpng fontconfig 2>/dev/null || echo -lSDL2 -lSDL2_ttf -lpng16 -lfontconfig)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread)
LIBS    = $(PKG_LIBS) -lm
GUI_LIBS = $(LIBS) $(SDL_LIBS)
# The programs are not linked with libpcap: sim/pcaplib.c opens it with
# dlopen() when a capture is first read or written.  Linked, it loaded
# nine more shared libraries at every start ('vhsim --version' took 8.0
# ms against 4.6 without).  The tests call libpcap directly, so they link
# it.
PROG_LIBS = $(filter-out -lpcap,$(PKG_LIBS)) -lm
GUI_PROG_LIBS = $(PROG_LIBS) $(SDL_LIBS)
# Open MPI, when its mpicc is found, lets 'mpirun -np N vhsim compare' and
# 'vhsim sweep' share their runs among N processes (cli/spread.h).  vhsim
# itself is built with a job of one (cli/spread_one.c), which under
# mpirun execs ./vhsim-mpi beside it: the same program with the job over
# MPI (cli/spread_mpi.c).  Open MPI brings some twenty shared libraries,
# and loading them took 2.7 ms of every vhsim command's start (7.9 ms
# against 5.2 for 'vhsim --version'); now only the MPI program does.  Without mpicc there is no vhsim-mpi, and
# vhsim under an mpirun of several ranks says so.
MPICC   := $(shell command -v mpicc 2>/dev/null)
ifneq ($(MPICC),)
MPI_PROG    := vhsim-mpi
MPI_CFLAGS  = $(shell $(MPICC) --showme:compile 2>/dev/null)
MPI_LIBS    = $(shell $(MPICC) --showme:link 2>/dev/null)
endif

# Parallel jobs for the builds that demo, test and bench start themselves.
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined

# Debian packages the build, the tests, the GUI and 'vhsim sweep --plot'
# (gnuplot, run as a program) need; Open MPI so that the test of a compare
# spread over two ranks runs.  clang and its runtimes
# (libclang-rt-dev: libFuzzer, which apt's --no-install-recommends would
# leave out) because 'make test' ends with the fuzzers' smoke.
DEB_PKGS := gcc make pkg-config libcjson-dev libpcap-dev check libsubunit-dev \
            tshark libsdl2-dev libsdl2-ttf-dev libpng-dev libfontconfig-dev \
            fonts-dejavu-core fonts-wqy-microhei gnuplot-nox clang \
            libclang-rt-dev libopenmpi-dev openmpi-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Two programs: vhsim (the simulator and every command but gui) links no
# SDL, so a run starts without loading it; vhsim-gui is the gui command,
# which vhsim execs.  The test binary links all of it.
CORE_SRC := $(wildcard sim/*.c) $(wildcard models/*/*.c) \
            $(wildcard loader/*.c) $(wildcard report/*.c) \
            $(wildcard record/*.c)
GUI_SRC  := $(wildcard gui/*.c) cli/cmd_gui.c
CLI_SRC  := $(filter-out cli/main.c cli/gui_main.c cli/spread_%.c \
                         $(GUI_SRC), $(wildcard cli/*.c)) cli/spread_one.c
# What cli/cmd_gui.c needs of the other cli/ files.
GUI_CLI_SRC := cli/scene.c cli/util.c cli/opts.c
LIB_SRC  := $(CORE_SRC) $(CLI_SRC) $(GUI_SRC)
TEST_SRC := $(wildcard tests/test_*.c) tests/check_main.c tests/worldtest.c \
            tests/tshark.c
BENCH_SRC := tests/bench_kernel.c tests/bench_gui.c tests/bench_mem.c

VHSIM_SRC := $(CORE_SRC) $(CLI_SRC) cli/main.c
MPIPROG_SRC := $(CORE_SRC) $(filter-out cli/spread_one.c,$(CLI_SRC)) \
               cli/spread_mpi.c cli/main.c
SAN_VHSIM_SRC := $(CORE_SRC) $(CLI_SRC) cli/main.c
GUIPROG_SRC := $(CORE_SRC) $(GUI_SRC) $(GUI_CLI_SRC) cli/gui_main.c

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
SAN_OBJ  := $(LIB_SRC:%.c=build/san/%.o)
TOBJ     := $(TEST_SRC:%.c=build/obj/%.o)
SAN_TOBJ := $(TEST_SRC:%.c=build/san/%.o)
GUI_OBJS := $(GUI_SRC:%.c=build/obj/%.o) $(GUI_SRC:%.c=build/san/%.o)

DEMO := scenarios/demo.json

.PHONY: all release deps demo test test-plain test-san lang-missing golden bench bench-peer peer-deps \
        install uninstall \
        peer-build clean
all: vhsim vhsim-gui $(MPI_PROG)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# SDL's headers only where they are used: the GUI and its command, the
# tests (which drive the GUI directly) and the GUI benchmark.
$(GUI_OBJS): XCFLAGS = $(SDL_CFLAGS)
$(TOBJ) $(SAN_TOBJ): XCFLAGS = $(SDL_CFLAGS) $(CHECK_CFLAGS)
build/obj/tests/bench_gui.o: XCFLAGS = $(SDL_CFLAGS)
build/obj/cli/gui_main.o build/san/cli/gui_main.o: XCFLAGS = $(SDL_CFLAGS)
build/obj/cli/spread_mpi.o: XCFLAGS = $(MPI_CFLAGS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(INC) $(PKG_CFLAGS) $(XCFLAGS) -MMD -MP \
	  -c $< -o $@

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) $(XCFLAGS) \
	  -MMD -MP -c $< -o $@

vhsim: $(VHSIM_SRC:%.c=build/obj/%.o)
	$(CC) $(OPT) -o $@ $^ $(PROG_LIBS)

vhsim-mpi: $(MPIPROG_SRC:%.c=build/obj/%.o)
	$(CC) $(OPT) -o $@ $^ $(PROG_LIBS) $(MPI_LIBS)

vhsim-gui: $(GUIPROG_SRC:%.c=build/obj/%.o)
	$(CC) $(OPT) -o $@ $^ $(GUI_PROG_LIBS)

# The tests run build/san/vhsim gui, which execs the vhsim-gui beside it.
build/san/vhsim: $(SAN_VHSIM_SRC:%.c=build/san/%.o)
	$(CC) $(SAN) -o $@ $^ $(PROG_LIBS)

build/san/vhsim-gui: $(GUIPROG_SRC:%.c=build/san/%.o)
	$(CC) $(SAN) -o $@ $^ $(GUI_PROG_LIBS)

build/vhsim_tests: $(OBJ) $(TOBJ)
	$(CC) -o $@ $^ $(CHECK_LIBS) $(GUI_LIBS)

build/san/vhsim_tests: $(SAN_OBJ) $(SAN_TOBJ)
	$(CC) $(SAN) -o $@ $^ $(CHECK_LIBS) $(GUI_LIBS)

build/bench_kernel: $(CORE_SRC:%.c=build/obj/%.o) \
                    build/obj/tests/bench_kernel.o
	$(CC) -o $@ $^ $(LIBS)

build/bench_mem: $(CORE_SRC:%.c=build/obj/%.o) build/obj/tests/bench_mem.o
	$(CC) -o $@ $^ $(LIBS)

build/bench_gui: $(OBJ) build/obj/tests/bench_gui.o
	$(CC) -o $@ $^ $(GUI_LIBS)

# The release build.  The same sources, built twice more in build/pgo:
# once instrumented, to run the shipped scenarios (tests/train.sh) and
# count which branches and calls they take, then again with those counts
# and optimized across files at link time.  GCC then lays out the hot
# paths straight and inlines where the run showed calls: a run takes about
# a quarter less time than with the plain build (docs/architecture.md,
# "Release build").  Neither changes what a run computes; 'make bench'
# first checks that the release program reproduces tests/golden/hashes.txt.
# Both passes compile at -O3 (the profile must come from code built as
# the second pass builds it), to the same object names because GCC keys
# a static function's counts by the object's name.  The plain build
# stays the one developers and the tests use: any change to a source
# retrains.
# Both passes also build for this machine's processor, as a program
# that is not position-independent: together the two took 0.92 of the
# CPU time on bridge_flood (15 rounds; each alone 0.95 and 1.01).  So
# the release program runs on the machine that built it, or one like it;
# 'make install' installs the plain build.
RELEASE_ARCH ?= -march=native -fno-pie -no-pie
PGO_GEN := -O3 -fprofile-generate -fprofile-update=single $(RELEASE_ARCH)
PGO_USE := -O3 -g -flto=auto -fprofile-use -fprofile-partial-training \
           -Wno-missing-profile $(RELEASE_ARCH)
PGO_OBJ := $(VHSIM_SRC:%.c=build/pgo/%.o)
RELEASE_DEPS := $(VHSIM_SRC) $(wildcard */*.h */*/*.h) \
                $(wildcard scenarios/*.json) tests/train.sh Makefile

# Like demo, test and bench, it installs what is missing first.
release: deps
	@$(MAKE) --no-print-directory build/release/vhsim

build/release/vhsim: $(RELEASE_DEPS)
	rm -rf build/pgo
	@$(MAKE) --no-print-directory PGO_OPT="$(PGO_GEN)" build/pgo/vhsim
	sh tests/train.sh build/pgo/vhsim
	find build/pgo -name '*.o' -delete
	rm build/pgo/vhsim
	@$(MAKE) --no-print-directory PGO_OPT="$(PGO_USE)" build/pgo/vhsim
	@mkdir -p $(dir $@)
	mv build/pgo/vhsim $@

build/pgo/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(PGO_OPT) $(INC) $(PKG_CFLAGS) $(XCFLAGS) \
	  -c $< -o $@

build/pgo/vhsim: $(PGO_OBJ)
	$(CC) $(PGO_OPT) -o $@ $^ $(PROG_LIBS)

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@mkdir -p traces
	./vhsim run $(DEMO)

# The plain run is the one CI reads; the sanitizer run repeats every test
# (integration included) with ASan and UBSan, failing on any report.
#
# Everything is built with one job per core, and the two runs go side by
# side (each is one process at a time), their outputs printed whole as
# each ends (-Otarget), so the wall time is the longer run's, not the sum.
test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all build/vhsim_tests \
	  build/san/vhsim build/san/vhsim-gui build/san/vhsim_tests $(FUZZ_BINS)
	@$(MAKE) --no-print-directory lang-missing
	@echo "test: plain and sanitizer runs in parallel; each prints when done"
	@$(MAKE) --no-print-directory -j$(JOBS) -Otarget test-san test-plain
	@$(MAKE) --no-print-directory fuzz-smoke

# Every text a student reads has its Chinese (sim/lang.h): a second, first
# so that a missing translation is said before the long runs.
lang-missing:
	sh tests/lang_missing.sh

test-plain:
	VHSIM_BIN=./vhsim CK_DEFAULT_TIMEOUT=120 ./build/vhsim_tests

test-san:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	VHSIM_BIN=./build/san/vhsim CK_DEFAULT_TIMEOUT=300 CK_FORK=no \
	./build/san/vhsim_tests

golden: vhsim
	sh tests/golden/outputs.sh ./vhsim >tests/golden/hashes.txt

# The ns-3 build is allowed to fail: tests/bench.sh then prints the reason
# kept in build/peer/skipped and runs everything else.  Its log goes to
# build/peer/build.log; only the slow step, installing ns-3, is announced.
bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all build/bench_kernel build/bench_gui build/bench_mem
	@$(MAKE) --no-print-directory -j$(JOBS) release
	@mkdir -p build/peer; rm -f build/peer/skipped; \
	{ $(MAKE) --no-print-directory peer-build; echo $$? >build/peer/rc; } 2>&1 \
	  | tee build/peer/build.log | grep '^peer: installing' || true; \
	if [ "$$(cat build/peer/rc)" != 0 ]; then \
	  rm -f $(PEER_BIN); \
	  { grep '^peer: ' build/peer/build.log || tail -n 1 build/peer/build.log; } \
	    | tail -n 1 | sed 's/^peer: //' >build/peer/skipped; \
	fi
	@VHSIM=build/release/vhsim sh tests/bench.sh

# The peer simulator: ns-3 from Debian (libns3-dev), needed by the bench
# alone, so 'make test', 'make demo' and CI never install it.
PEER_BIN := build/peer/ns3_bridge_flood
NS3_DEB  := libns3-dev
NS3_MODS := ns3-csma ns3-bridge ns3-internet ns3-applications

bench-peer: peer-build
	./$(PEER_BIN)

peer-build: peer-deps
	@$(MAKE) --no-print-directory $(PEER_BIN)

peer-deps:
	@dpkg-query -W -f='$${Status}' $(NS3_DEB) 2>/dev/null | grep -q 'ok installed' \
	  || { echo "peer: installing $(NS3_DEB)"; \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	       $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	         --no-install-recommends $(NS3_DEB) >/dev/null \
	  || { echo "peer: apt-get could not install $(NS3_DEB)"; exit 1; }; }
	@pkg-config --exists $(NS3_MODS) \
	  || { echo "peer: pkg-config does not find $(NS3_MODS)"; exit 1; }

# Only the -l flags and the include directory come from pkg-config: Debian's
# 3.37 .pc files put a stray ';' in Cflags (a shell would cut the command
# there) and name libgsl.so and libsqlite3.so by path, which exist only with
# their -dev packages; the ns-3 libraries already link those themselves.
$(PEER_BIN): tests/peer/ns3_bridge_flood.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -Wall -Wextra \
	  -I"$$(pkg-config --variable=includedir ns3-core)" $< -o $@ \
	  $$(pkg-config --libs-only-l $(NS3_MODS)) \
	  || { echo "peer: compiling $< against ns-3 failed"; exit 1; }

# make install [PREFIX=/usr/local] [DESTDIR=...]: the programs (vhsim-mpi
# too where it was built), the shipped scenarios and lessons ('vhsim lab'
# finds them beside its PREFIX/bin), the documentation, the man page and
# bash completion.
PREFIX ?= /usr/local
BINDIR  = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share
install: all
	install -d $(BINDIR) $(SHAREDIR)/vhsim/scenarios/bench \
	  $(SHAREDIR)/vhsim/lessons \
	  $(SHAREDIR)/doc/vhsim/img $(SHAREDIR)/man/man1 \
	  $(SHAREDIR)/bash-completion/completions
	install -m 755 vhsim vhsim-gui $(MPI_PROG) $(BINDIR)
	install -m 644 scenarios/*.json $(SHAREDIR)/vhsim/scenarios
	install -m 644 scenarios/bench/*.json $(SHAREDIR)/vhsim/scenarios/bench
	install -m 644 scenarios/lessons/*.json $(SHAREDIR)/vhsim/lessons
	install -m 644 README.md docs/*.md $(SHAREDIR)/doc/vhsim
	install -m 644 docs/img/*.png $(SHAREDIR)/doc/vhsim/img
	install -m 644 docs/vhsim.1 $(SHAREDIR)/man/man1/vhsim.1
	install -m 644 docs/vhsim.bash-completion \
	  $(SHAREDIR)/bash-completion/completions/vhsim

uninstall:
	rm -f $(BINDIR)/vhsim $(BINDIR)/vhsim-gui $(BINDIR)/vhsim-mpi \
	  $(SHAREDIR)/man/man1/vhsim.1 \
	  $(SHAREDIR)/bash-completion/completions/vhsim
	rm -rf $(SHAREDIR)/vhsim $(SHAREDIR)/doc/vhsim

# Fuzzing (docs/fuzzing.md): the loader, the worlds it builds run for a
# moment, and the recording reader, built with clang's libFuzzer, ASan
# and UBSan.  The world target reads scenarios: it shares the scenario
# target's seed corpus, dictionary and findings.  'make test' runs each target
# briefly over its seed corpus; 'make fuzz' runs each FUZZ_TIME seconds,
# keeping what it finds new in build/fuzz/corpus, never in the repository.
FUZZ_CC   ?= clang
FUZZ_TIME ?= 600
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
FUZZ_TARGETS := scenario world recording
# The inputs a target reads: its own name, or another target's.
FUZZ_INPUT = in=$$t; [ $$t = world ] && in=scenario;
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_OBJ  := $(CORE_SRC:%.c=build/fuzz/%.o)

.SECONDARY: $(FUZZ_OBJ) $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/fuzz_%.o)
build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(INC) \
	  $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/fuzz_%: $(FUZZ_OBJ) build/fuzz/tests/fuzz/fuzz_%.o
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

.PHONY: fuzz fuzz-smoke
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_INPUT) \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/crashes/$$t; \
	  echo "fuzz: $$t for $(FUZZ_TIME) s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crashes/$$t/ \
	    $$( [ -f tests/fuzz/$$in.dict ] && echo -dict=tests/fuzz/$$in.dict ) \
	    build/fuzz/corpus/$$t tests/fuzz/corpus/$$in tests/fuzz/found/$$in \
	    || exit 1; \
	done

# The smoke: every seed and every input a finding was fixed for
# (tests/fuzz/found/) once, then a few thousand mutations, each target.
fuzz-smoke: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_INPUT) \
	  rm -rf build/fuzz/smoke/$$t; mkdir -p build/fuzz/smoke/$$t; \
	  build/fuzz/fuzz_$$t -runs=10000 -max_total_time=20 -timeout=10 \
	    -rss_limit_mb=2048 -seed=1 -artifact_prefix=build/fuzz/smoke/ \
	    $$( [ -f tests/fuzz/$$in.dict ] && echo -dict=tests/fuzz/$$in.dict ) \
	    build/fuzz/smoke/$$t tests/fuzz/corpus/$$in tests/fuzz/found/$$in \
	    2>build/fuzz/smoke/$$t.log \
	    || { tail -n 40 build/fuzz/smoke/$$t.log; exit 1; }; \
	  echo "fuzz-smoke: $$t: $$(grep -o 'Done [0-9]* runs.*' \
	    build/fuzz/smoke/$$t.log)"; \
	done

clean:
	rm -rf build vhsim vhsim-gui vhsim-mpi

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(TOBJ:.o=.d) $(SAN_TOBJ:.o=.d) \
         $(FUZZ_OBJ:.o=.d) $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/fuzz_%.d) \
         $(BENCH_SRC:%.c=build/obj/%.d) build/obj/cli/spread_mpi.d \
         $(foreach m,main gui_main,build/obj/cli/$(m).d build/san/cli/$(m).d)
