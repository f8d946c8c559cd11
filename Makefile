# YottaStore build. `make` builds the release binary; `make run` and
# `make test` first install what is missing (deps/install.sh).
#
#   make [SANITIZE=address|thread]   build build/<mode>/yottastore
#   make run                         install, build, start on port 6379
#   make test                        install, build, every suite (see tests/run_all.sh)
#   make unit | make integration     one kind of suite
#   make bench                       YottaStore vs redis-server (utils/bench.sh)
#   make fuzz                        libFuzzer on the RESP parser + dispatch (clang)
#   make format                      clang-format every source

CXX ?= g++
SANITIZE ?=
MODE := $(if $(SANITIZE),$(SANITIZE),release)
BUILD ?= build/$(MODE)

CXXFLAGS := -std=c++20 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Isrc -pthread -MMD -MP
LDLIBS := -luv -pthread -lsimdjson -lrocksdb
ifeq ($(SANITIZE),)
  LDLIBS += -ljemalloc
else
  CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1
  LDFLAGS += -fsanitize=$(SANITIZE)
endif

ALL_SRCS := $(shell find src -name '*.cc' | sort)
TEST_SRCS := $(filter %_test.cc,$(ALL_SRCS))
FUZZ_SRCS := $(filter src/fuzz/%,$(ALL_SRCS))
MAIN_SRC := src/main.cc
LIB_SRCS := $(filter-out $(TEST_SRCS) $(FUZZ_SRCS) $(MAIN_SRC),$(ALL_SRCS))

LIB_OBJS := $(LIB_SRCS:%.cc=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.cc=$(BUILD)/%.o)
BIN := $(BUILD)/yottastore
UNIT := $(BUILD)/unit_tests

.PHONY: all deps run test unit integration bench fuzz format clean
all: $(BIN)

deps:
	@bash deps/install.sh

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BIN): $(LIB_OBJS) $(BUILD)/src/main.o
	$(CXX) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(UNIT): $(LIB_OBJS) $(TEST_OBJS) $(BUILD)/tests/unit_main.o
	$(CXX) $(LDFLAGS) $^ -o $@ $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all
	mkdir -p data
	$(BIN) conf/yottastore.conf

test: deps
	@$(MAKE) --no-print-directory all $(UNIT)
	BUILD=$(BUILD) bash tests/run_all.sh

unit: $(UNIT)
	$(UNIT)

integration: deps
	@$(MAKE) --no-print-directory all
	BUILD=$(BUILD) SUITES=integration bash tests/run_all.sh

bench: deps
	@$(MAKE) --no-print-directory all
	BUILD=$(BUILD) bash utils/bench.sh

fuzz:
	YOTTA_FUZZ=1 bash deps/install.sh
	@$(MAKE) --no-print-directory -f utils/fuzz.mk

format:
	clang-format -i $(ALL_SRCS) $(shell find src -name '*.h')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
