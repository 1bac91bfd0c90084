# One non-recursive Makefile for the whole tree.
#
#   make            release build: bin/fake_twilio bin/fake_livekit bin/fake_supabase bin/provisioner
#                   bin/fakes
#   make test       ASan+UBSan build under build/asan, then every test (and the integration
#                   tests again under TSan, build/tsan); one summary line
#   make demo       release build, then the demo against the fakes
#   make bench      release build, then the benchmarks (figures, never pass/fail)
#   make soak       ASan build, then the crash-consistency tests at length under several seeds
#   make fuzz       libFuzzer targets (clang), each run for FUZZ_SECONDS
#   make format | format-check | lint | install | clean | deps
#
# Objects of different configurations never mix: build/$(CONFIG)/.  CONFIG=debug|asan|release|tsan.

CONFIG  ?= release
# Build with every core unless the caller chose (-jN on the command line wins).
NPROC   := $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += -j$(NPROC)
B       ?= build/$(CONFIG)
PREFIX  ?= /usr/local
DESTDIR ?=

PKGS    := libmicrohttpd libcjson sqlite3 libcurl cmocka libcrypto nettle
HAVE_PKGS := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)

# A fresh machine: install what is missing before any rule runs, so that this very make
# reads the packages' flags (a check-deps prerequisite would race the compiles under -j,
# and the flags below are read once, when the Makefile is parsed).
NO_DEPS_GOALS := deps clean format format-check lint
ifneq ($(HAVE_PKGS),yes)
  ifneq ($(or $(filter-out $(NO_DEPS_GOALS),$(MAKECMDGOALS)),$(if $(MAKECMDGOALS),,all)),)
    DEPS_OUT := $(shell ./scripts/deps.sh 1>&2 && pkg-config --exists $(PKGS) && echo yes)
    ifneq ($(DEPS_OUT),yes)
      $(error missing pkg-config modules $(PKGS); see the line above)
    endif
    HAVE_PKGS := yes
  endif
endif

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wundef -Wno-format-nonliteral
CPPFLAGS += -I. $(if $(HAVE_PKGS),$(shell pkg-config --cflags $(PKGS)))
CFLAGS  += $(CSTD) $(WARN) -g -pthread
LDLIBS  += $(if $(HAVE_PKGS),$(shell pkg-config --libs $(PKGS))) -pthread -lm

ifeq ($(CONFIG),asan)
  SAN := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  CFLAGS += $(SAN)
  LDFLAGS += $(SAN)
else ifeq ($(CONFIG),tsan)
  CFLAGS += -O1 -fsanitize=thread
  LDFLAGS += -fsanitize=thread
else ifeq ($(CONFIG),fuzz)
  # libFuzzer: everything instrumented, the fuzz targets linked with the fuzzer's main.
  CC := clang
  SAN := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  CFLAGS += $(SAN) -fsanitize=fuzzer-no-link
  LDFLAGS += $(SAN)
else ifeq ($(CONFIG),debug)
  CFLAGS += -O0
else
  CFLAGS += -O2
endif

# The release configuration puts its programs in bin/ (what README and demo use);
# every other configuration keeps them inside its build folder.
ifeq ($(CONFIG),release)
  BIN := bin
else
  BIN := $(B)/bin
endif

# Components: every folder below holds X/*.c; X/main.c is the program, the rest libX.a.
FAKES      := fake_twilio fake_livekit fake_supabase
PROGRAMS   := $(FAKES) provisioner fakes
KIT_SRC    := $(wildcard fakekit/*.c)
KIT_LIB    := $(B)/libfakekit.a
comp_src    = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
comp_lib    = $(B)/lib$(1).a
COMP_LIBS  := $(foreach p,$(PROGRAMS),$(call comp_lib,$(p)))

SUPPORT_SRC := $(wildcard tests/support/*.c)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
INTEG_SRC   := $(wildcard tests/integration/test_*.c)
UNIT_BIN    := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
INTEG_BIN   := $(patsubst tests/integration/%.c,$(B)/tests/integration/%,$(INTEG_SRC))
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(B)/tests/fuzz/%,$(FUZZ_SRC))
PROG_BIN    := $(foreach p,$(PROGRAMS),$(BIN)/$(p))

ALL_SRC := $(KIT_SRC) $(foreach p,$(PROGRAMS),$(wildcard $(p)/*.c)) $(SUPPORT_SRC) \
           $(UNIT_SRC) $(INTEG_SRC) $(FUZZ_SRC)
OBJS    := $(patsubst %.c,$(B)/%.o,$(ALL_SRC))
DEPS    := $(OBJS:.o=.d)

.PHONY: all test check-deps demo bench fuzz format format-check lint install clean deps \
        tests-build programs fuzz-build soak
.DEFAULT_GOAL := all

all: check-deps programs
programs: $(PROG_BIN)

check-deps:
	@pkg-config --exists $(PKGS) 2>/dev/null || ./scripts/deps.sh
	@pkg-config --exists $(PKGS) || { echo "missing: pkg-config modules $(PKGS)" >&2; exit 1; }

deps:
	./scripts/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(KIT_LIB): $(patsubst %.c,$(B)/%.o,$(KIT_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

define component_rules
$(call comp_lib,$(1)): $(patsubst %.c,$(B)/%.o,$(call comp_src,$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^ $(B)/empty.o

$(BIN)/$(1): $(B)/$(1)/main.o $(call comp_lib,$(1)) $(KIT_LIB)
	@mkdir -p $$(@D)
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call component_rules,$(p))))

# schemas/*.schema.json compiled into the launcher (fakes/schemas_embed.h), so `fakes test`
# checks case files by the same rules an editor and the SDK tests' ajv use.
SCHEMAS := $(sort $(wildcard schemas/*.schema.json))
$(B)/gen/schemas_embed.c: $(SCHEMAS) scripts/embed-files.sh
	@mkdir -p $(@D)
	./scripts/embed-files.sh fx_embedded_schemas $(SCHEMAS) >$@.tmp && mv $@.tmp $@
$(B)/gen/schemas_embed.o: $(B)/gen/schemas_embed.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(call comp_lib,fakes): $(B)/gen/schemas_embed.o

# ar needs at least one member; an empty object keeps a component without modules linkable.
$(COMP_LIBS): $(B)/empty.o
$(B)/empty.o:
	@mkdir -p $(@D)
	echo 'extern int fk_empty_unit_; int fk_empty_unit_;' | $(CC) $(CFLAGS) -x c -c - -o $@

TEST_LIBS := $(COMP_LIBS) $(KIT_LIB)
SUPPORT_OBJ := $(patsubst %.c,$(B)/%.o,$(SUPPORT_SRC))

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(SUPPORT_OBJ) $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(TEST_LIBS) $(LDLIBS)

$(B)/tests/integration/%: $(B)/tests/integration/%.o $(SUPPORT_OBJ) $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(TEST_LIBS) $(LDLIBS)

$(B)/tests/fuzz/%: $(B)/tests/fuzz/%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(TEST_LIBS) $(LDLIBS)

fuzz-build: check-deps $(FUZZ_BIN)

tests-build: check-deps $(PROG_BIN) $(UNIT_BIN) $(INTEG_BIN)

# The README's test command. It rebuilds itself under ASan+UBSan and runs everything, then
# the integration tests once more with every program built under ThreadSanitizer.
ifeq ($(CONFIG),release)
test: check-deps
	@$(MAKE) --no-print-directory CONFIG=asan test
else
test: tests-build
	@$(MAKE) --no-print-directory CONFIG=fuzz fuzz-build
	@$(MAKE) --no-print-directory CONFIG=tsan tests-build
	@BUILD=$(B) BIN=$(BIN) FUZZ_BUILD=build/fuzz TSAN_BUILD=build/tsan ./scripts/run-tests.sh
endif

# The crash tests at length (scripts/soak.sh: SOAK_SEEDS, SOAK_SCALE), under ASan like test.
ifeq ($(CONFIG),release)
soak: check-deps
	@$(MAKE) --no-print-directory CONFIG=asan soak
else
soak: tests-build
	@$(MAKE) --no-print-directory CONFIG=tsan tests-build
	@BUILD=$(B) BIN=$(BIN) TSAN_BUILD=build/tsan ./scripts/soak.sh
endif

demo: all
	@./scripts/demo.sh

bench: all
	@./bench/run.sh

FUZZ_SECONDS ?= 60
fuzz: check-deps
	@$(MAKE) --no-print-directory CONFIG=fuzz fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=build/fuzz ./tests/fuzz/run.sh

format:
	clang-format -i $(ALL_SRC) $(wildcard */*.h tests/*/*.h tests/fuzz/*.c)

format-check:
	@clang-format --dry-run --Werror $(ALL_SRC) $(wildcard */*.h tests/*/*.h tests/fuzz/*.c)

lint:
	@./scripts/lint.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fakes
	install -m 755 $(PROG_BIN) $(DESTDIR)$(PREFIX)/bin
	install -m 644 fake_supabase/schema.sql $(DESTDIR)$(PREFIX)/share/fakes
	install -d $(DESTDIR)$(PREFIX)/share/fakes/schemas
	install -m 644 $(SCHEMAS) $(DESTDIR)$(PREFIX)/share/fakes/schemas

clean:
	rm -rf build $(PROG_BIN)

# Test objects are intermediate files of pattern chains; keep them so reruns do not rebuild.
.SECONDARY:

-include $(DEPS)
