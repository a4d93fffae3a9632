# Top-level build: the VMM (host, x86-64), the guest kernel (freestanding
# i386), test guests, and the CMocka tests.  `make` builds build/bin/vmm and
# ./guest.elf; `make demo` and `make test` are the two commands the README
# gives.  Everything built lands in build/ (plus ./guest.elf).

CC ?= cc
O := build

WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wpointer-arith -Wundef
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -I. -MD -MP -D_GNU_SOURCE
HOST_LDLIBS := -lelf -ljansson -lseccomp -lpthread

# The guest: 32-bit, freestanding, no SSE (the kernel never saves FPU state).
GUEST_CFLAGS := -std=gnu11 -m32 -march=i686 -O2 -g $(WARNINGS) \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	-I. -Iguest/include -MD -MP
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
GUEST_LIBGCC = $(shell $(CC) -m32 -print-libgcc-file-name)

# The VMM in three layers, each its own archive, each built only on the
# ones below it (tools/check-layers enforces it): core runs a guest,
# inspect reads and judges its state, cli is the command line.
layer_objs = $(patsubst %.c,$(O)/%.o,$(filter-out vmm/cli/main.c,$(wildcard vmm/$(1)/*.c)))
# Link order: the layer above first.
VMM_LIBS := $(O)/libvmm-cli.a $(O)/libvmm-inspect.a $(O)/libvmm-core.a
# The guest's link order places its .bss objects, and the host's exact-output
# test (tests/kvm/test_cli.c) expects swapper_pg_dir and the first free frame
# where this order puts them: the host's commands link last.
GUEST_DIRS := arch kernel mm commands
GUEST_SRCS := $(foreach d,$(GUEST_DIRS),$(sort $(wildcard guest/$(d)/*.S)) $(sort $(wildcard guest/$(d)/*.c)))
GUEST_OBJS := $(patsubst %,$(O)/%.o,$(basename $(GUEST_SRCS)))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(wildcard tests/unit/test_*.c))
STRESS_TEST := $(O)/tests/kvm/test_stress
KVM_TESTS := $(patsubst tests/kvm/%.c,$(O)/tests/kvm/%,$(wildcard tests/kvm/test_*.c))
TEST_GUESTS := $(patsubst tests/guests/%.S,$(O)/tests/guests/%.elf,$(wildcard tests/guests/*.S))
# The nested runner's own test (it boots the runner under both MMUs).
RUNNER_TESTS := tests/runner/test-kvm-run.sh tests/runner/test-install.sh tests/runner/test-clean.sh
# The --html page in headless chromium (one nested boot, both pages).
BROWSER_TESTS := tests/browser/test-html.sh
# Checks of the sources themselves (the layering of vmm/), and the replay
# of every fuzzing corpus input through its harness (tests/fuzz).
BUILD_TESTS := tests/build/test-check-layers.sh tests/fuzz/test-fuzz-replay.sh
# Formats other tools read: --dump vmallocinfo through jc (one nested run, npt).
FORMAT_TESTS := tests/formats/test-vmallocinfo.sh
TEST_SUPPORT := $(patsubst %.c,$(O)/%.o,$(wildcard tests/lib/*.c))
# Host tests written as a user would (README, "Writing your own host tests"):
# the public headers and the three archives only, no tests/lib.
EXAMPLES := $(patsubst examples/%.c,$(O)/examples/%,$(wildcard examples/test_*.c))

# Where KVM tests run: directly on this host's /dev/kvm when it has a
# usable one, and always under the nested runner with both of KVM's MMUs
# (nested paging and shadow paging), which no single host offers at once.
# `make test KVM_MODES=direct` skips the nested runs on a KVM host.
KVM_USABLE := $(shell tools/kvm-run --direct-ok 2>/dev/null && echo yes)
KVM_MODES ?= $(if $(KVM_USABLE),direct npt shadow,npt shadow)

VMM_BIN := $(O)/bin/vmm

.PHONY: all demo example test check-unit check-kvm bench stress stress-controls deps clean format format-check install uninstall \
	mutate
all: $(O)/bin/vmm guest.elf

$(O)/bin/vmm: $(O)/vmm/cli/main.o $(VMM_LIBS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(HOST_LDLIBS)

$(O)/libvmm-core.a: $(call layer_objs,core)
$(O)/libvmm-inspect.a: $(call layer_objs,inspect)
$(O)/libvmm-cli.a: $(call layer_objs,cli) $(O)/gen/html_assets.o
$(VMM_LIBS):
	@rm -f $@
	ar rcs $@ $^

$(O)/vmm/%.o: vmm/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

# The --html page's template, kept as files in vmm/cli/html/ and compiled in
# as byte arrays html_view_{html,css,js} (vmm/cli/html.c).
HTML_ASSETS := vmm/cli/html/view.html vmm/cli/html/view.css vmm/cli/html/view.js
$(O)/gen/html_assets.c: $(HTML_ASSETS)
	@mkdir -p $(@D)
	for f in $^; do xxd -i -n html_$$(basename $$f | tr . _) $$f; done \
		| sed 's/^unsigned/const unsigned/' >$@.tmp && mv $@.tmp $@

$(O)/gen/html_assets.o: $(O)/gen/html_assets.c
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(O)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

guest.elf: $(GUEST_OBJS) guest/guest.ld
	$(CC) $(GUEST_LDFLAGS) -T guest/guest.ld -o $@ $(GUEST_OBJS) $(GUEST_LIBGCC)

$(O)/guest/%.o: guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(O)/guest/%.o: guest/%.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

# Small purpose-built guests (one .S each) for the VMM's exit paths.
$(O)/tests/guests/%.elf: tests/guests/%.S tests/guests/guest.ld
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ $(GUEST_LDFLAGS) -T tests/guests/guest.ld -o $@ $<

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(TEST_SUPPORT) $(VMM_LIBS)
	$(CC) -o $@ $^ -lcmocka $(HOST_LDLIBS)

$(O)/tests/kvm/%: $(O)/tests/kvm/%.o $(TEST_SUPPORT) $(VMM_LIBS)
	$(CC) -o $@ $^ -lcmocka $(HOST_LDLIBS)

$(O)/examples/%.o: examples/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(O)/examples/%: $(O)/examples/%.o $(VMM_LIBS)
	$(CC) -o $@ $^ -lcmocka $(HOST_LDLIBS)

# The runner test's KVM user: the core layer alone, and one test guest.
RUNNER_BINS := $(O)/runner/kvm-smoke $(O)/tests/guests/exit_status.elf
$(O)/runner/kvm-smoke: $(O)/tests/runner/kvm-smoke.o $(O)/libvmm-core.a
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(HOST_LDLIBS)

deps:
	@tools/deps

# The README's two commands.  Each installs what is missing first, then
# builds, then runs: on this host's KVM when it has a usable one, else
# under the nested runner (tools/kvm-run decides).
demo:
	@tools/deps
	@$(MAKE) --no-print-directory all
	@status=0; tools/kvm-run $(VMM_BIN) --html $(O)/demo.html guest.elf || status=$$?; \
	echo "demo: the page of this run: $(abspath $(O)/demo.html)"; exit $$status

# The example host test, built and run on KVM (README, "Writing your own host tests").
example: all $(EXAMPLES)
	tools/kvm-run $(EXAMPLES)

test:
	@tools/deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS) $(KVM_TESTS) $(EXAMPLES) $(TEST_GUESTS) \
		$(RUNNER_BINS) $(FUZZ_BINS)
	tools/run-tests $(UNIT_TESTS) $(BUILD_TESTS) $(RUNNER_TESTS) $(FORMAT_TESTS) $(BROWSER_TESTS) \
		-- $(KVM_MODES) -- $(KVM_TESTS) $(EXAMPLES)

check-unit: all $(UNIT_TESTS) fuzz-build
	tools/run-tests $(UNIT_TESTS) $(BUILD_TESTS) -- --

check-kvm: all $(KVM_TESTS) $(EXAMPLES) $(TEST_GUESTS)
	tools/run-tests -- $(KVM_MODES) -- $(KVM_TESTS) $(EXAMPLES)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# `make install`: vmm and kvm-run on the PATH.  kvm-run lives with its
# helpers in $(PKGLIBDIR) and is linked from $(BINDIR); INSTALLED lists every
# file and link, and uninstall removes exactly those (and the directory
# of its own it created).
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
PKGLIBDIR := $(PREFIX)/lib/vmalloc-kvm
KVM_RUN_HELPERS := $(wildcard tools/kvm-run.d/*.sh)
INSTALLED := $(BINDIR)/vmm $(BINDIR)/kvm-run $(PKGLIBDIR)/kvm-run \
	$(addprefix $(PKGLIBDIR)/kvm-run.d/,$(notdir $(KVM_RUN_HELPERS)))

install: $(VMM_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR)/kvm-run.d
	install -m 0755 $(VMM_BIN) $(DESTDIR)$(BINDIR)/vmm
	install -m 0755 tools/kvm-run $(DESTDIR)$(PKGLIBDIR)/kvm-run
	install -m 0644 $(KVM_RUN_HELPERS) $(DESTDIR)$(PKGLIBDIR)/kvm-run.d/
	ln -sfn $$(realpath -m --relative-to=$(BINDIR) $(PKGLIBDIR)/kvm-run) $(DESTDIR)$(BINDIR)/kvm-run

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PKGLIBDIR)/kvm-run.d $(DESTDIR)$(PKGLIBDIR) 2>/dev/null

# Generated files only: build/ and the guest image.  (The VMM's sources
# live in vmm/, so nothing here may name that folder.)
clean:
	rm -rf $(O) guest.elf

# Extra rules a part of the tree keeps beside its sources (host builds of guest code).
-include $(wildcard tests/unit/*.mk)

# Keep objects of multi-step rules (tests link them with other objects).
.SECONDARY:

# (build/mutate holds tools/mutate's scratch tree: its files are not this tree's.)
-include $(shell find $(O) -path $(O)/mutate -prune -o -type f -name '*.d' -print 2>/dev/null)

# Fuzzing (tests/fuzz, README "Fuzzing"): libFuzzer harnesses over the
# VMM's sources built again with clang, ASan and UBSan into $(O)/fuzz/
# (the gcc build above is untouched).  `make fuzz FUZZ_SECONDS=N` runs each
# harness for N seconds on a scratch copy of its corpus; `make test`
# replays every corpus input once (tests/fuzz/test-fuzz-replay.sh).
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARNINGS) -I. -MD -MP \
	-D_GNU_SOURCE $(FUZZ_SAN)
FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(O)/fuzz/bin/,$(FUZZ_HARNESSES))
FUZZ_LIBS := $(O)/fuzz/libvmm-cli.a $(O)/fuzz/libvmm-inspect.a $(O)/fuzz/libvmm-core.a
# The checker's harness answers KVM's two vCPU questions itself (no KVM here).
FUZZ_LDFLAGS_fuzz_check := -Wl,--wrap=vcpu_get_sregs -Wl,--wrap=vcpu_translate

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-replay: $(FUZZ_BINS)
	tests/fuzz/test-fuzz-replay.sh

$(O)/fuzz/libvmm-core.a: $(patsubst $(O)/%,$(O)/fuzz/%,$(call layer_objs,core))
$(O)/fuzz/libvmm-inspect.a: $(patsubst $(O)/%,$(O)/fuzz/%,$(call layer_objs,inspect))
$(O)/fuzz/libvmm-cli.a: $(patsubst $(O)/%,$(O)/fuzz/%,$(call layer_objs,cli))
$(FUZZ_LIBS):
	@rm -f $@
	ar rcs $@ $^

$(O)/fuzz/vmm/%.o: vmm/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(O)/fuzz/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

FUZZ_SUPPORT := $(O)/fuzz/tests/fuzz/common.o $(O)/fuzz/tests/fuzz/fakeguest.o
$(O)/fuzz/bin/%: $(O)/fuzz/tests/fuzz/%.o $(FUZZ_SUPPORT) $(FUZZ_LIBS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(FUZZ_LDFLAGS_$*) -o $@ $^ $(HOST_LDLIBS)

# `make bench` (not a test): tables of counts from bench/ (bench/run.sh).
BENCH_BINS := $(O)/bench/bench_walk $(O)/bench/bench_guest $(O)/bench/bench_modes

$(O)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(O)/bench/%: $(O)/bench/%.o $(VMM_LIBS)
	$(CC) -o $@ $^ $(HOST_LDLIBS)

bench: all $(BENCH_BINS)
	bench/run.sh

# `make stress` (long; make test runs the same at 4 x 5000): tests/kvm/test_stress
# under each MMU at 4 vCPUs x STRESS_OPS operations.
STRESS_OPS ?= 20000
stress: all $(STRESS_TEST)
	TEST_STRESS_OPS=$(STRESS_OPS) KVM_LONG_TEST_TIMEOUT=3600 \
		tools/run-tests -- $(KVM_MODES) -- $(STRESS_TEST)

# `make stress-controls` (not a test): each negative control of vmm --stress
# (tests/kvm/test_stress.c) over 10 seeds on each MMU, on four nested CPUs as
# in make test, and the rate each was caught.
STRESS_CONTROLS := novmlistlock,noptlock,noapflush
stress-controls: all $(STRESS_TEST)
	TEST_STRESS_CONTROL=$(STRESS_CONTROLS) TEST_STRESS_SEEDS=10 \
		tools/kvm-run --mmu npt --smp 4 --timeout 7200 $(STRESS_TEST)
	TEST_STRESS_CONTROL=$(STRESS_CONTROLS) TEST_STRESS_SEEDS=10 \
		tools/kvm-run --mmu shadow --smp 4 --timeout 7200 $(STRESS_TEST)

# `make mutate` (not a test: it takes long; README, "Planted defects and
# mutants"): each mutant of tools/mutants.txt in a scratch copy, caught or not.
mutate:
	tools/mutate
