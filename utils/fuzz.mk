# YottaStore. Licensed under the Apache License 2.0.
# libFuzzer build and run of src/fuzz/resp_fuzz.cc (RESP parser + in-process
# dispatch). Invoked by `make fuzz`; needs clang with libFuzzer
# (YOTTA_FUZZ=1 deps/install.sh installs it).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=1]   replay regressions, then fuzz
#   make -f utils/fuzz.mk replay                only replay tests/fuzz/regressions
#   make -f utils/fuzz.mk merge                 fold new coverage into tests/fuzz/corpus
#
# The run reads the seeds in tests/fuzz/corpus and writes what it discovers
# to build/fuzz/corpus (not checked in); `merge` adds to the seeds only a
# smallest set of those inputs that covers the new features. Crashes land in build/fuzz/artifacts/: copy a reproducer to
# tests/fuzz/regressions/ so every later run replays it first. To read one:
#   YOTTA_FUZZ_TRACE=1 build/fuzz/resp_fuzz <file>   (each command and reply)

CXX := clang++
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_FLAGS ?=
# libFuzzer switches to log-file worker processes whenever -jobs is given.
JOB_FLAGS := $(if $(filter-out 0 1,$(FUZZ_JOBS)),-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS),)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CXXFLAGS := -std=c++20 -O1 -g -Wall -Wno-unused-parameter -Wno-missing-field-initializers \
            -Isrc -pthread -MMD -MP $(SAN) -fsanitize=fuzzer-no-link
LDFLAGS := $(SAN) -fsanitize=fuzzer
LDLIBS := -luv -pthread -lsimdjson -lrocksdb

SRCS := $(shell find src -name '*.cc' -not -name '*_test.cc' -not -path 'src/fuzz/*' -not -path src/main.cc | sort)
OBJS := $(SRCS:%.cc=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/src/fuzz/resp_fuzz.o
BIN := $(FUZZ_BUILD)/resp_fuzz

CORPUS := $(FUZZ_BUILD)/corpus
SEEDS := tests/fuzz/corpus
DICT := tests/fuzz/resp.dict
REGRESSIONS := $(wildcard tests/fuzz/regressions/*)
# -max_len stays under the parser's 64 KiB line limits (see resp_fuzz.cc);
# -timeout flags any single input that runs for more than 10 s.
RUN_FLAGS := -dict=$(DICT) -max_len=16384 -timeout=10 -rss_limit_mb=4096 \
             -artifact_prefix=$(FUZZ_BUILD)/artifacts/ -print_final_stats=1 $(FUZZ_FLAGS)

.PHONY: run build replay merge
run: replay
	@mkdir -p $(CORPUS) $(FUZZ_BUILD)/artifacts
	$(BIN) $(RUN_FLAGS) -max_total_time=$(FUZZ_SECONDS) $(JOB_FLAGS) \
	  $(CORPUS) $(SEEDS)

build: $(BIN)

# Every saved reproducer must now run clean (one execution each).
replay: $(BIN)
ifneq ($(REGRESSIONS),)
	@mkdir -p $(FUZZ_BUILD)/artifacts
	$(BIN) -timeout=10 -rss_limit_mb=4096 -artifact_prefix=$(FUZZ_BUILD)/artifacts/ $(REGRESSIONS)
endif

merge: $(BIN)
	@mkdir -p $(CORPUS)
	$(BIN) -set_cover_merge=1 -max_len=16384 -timeout=10 $(SEEDS) $(CORPUS)
	@du -sh $(SEEDS)

$(BIN): $(OBJS)
	$(CXX) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(FUZZ_BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
