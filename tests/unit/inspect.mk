# The inspect layer's unit tests run under AddressSanitizer and UBSan: they
# feed the walker, the snapshot diff, the dumps and the guest-structure
# readers hostile memory, and undefined behaviour there (a shift by 64, a
# qsort of NULL) is a bug even when the result happens to look right.  The
# test, its support code and the core and inspect layers are rebuilt with
# the sanitizers under $(O)/san; a report aborts the test.

INSPECT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
INSPECT_SAN_TESTS := test_walk test_diff test_dump test_kstate test_check_rules
INSPECT_SAN_LIB := $(O)/san/libvmm-inspect-core.a
INSPECT_SAN_SUPPORT := $(patsubst %.c,$(O)/san/%.o,$(wildcard tests/lib/*.c))

$(O)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(INSPECT_SAN) -c -o $@ $<

$(INSPECT_SAN_LIB): $(patsubst %.c,$(O)/san/%.o,$(wildcard vmm/inspect/*.c vmm/core/*.c))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(addprefix $(O)/tests/unit/,$(INSPECT_SAN_TESTS)): $(O)/tests/unit/%: $(O)/san/tests/unit/%.o \
		$(INSPECT_SAN_SUPPORT) $(INSPECT_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(INSPECT_SAN) -o $@ $^ -lcmocka $(HOST_LDLIBS)
